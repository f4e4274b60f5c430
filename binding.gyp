# The native kernel addon (Node-API, C11) over OpenBLAS CBLAS + LAPACKE (Debian: libopenblas-dev,
# liblapacke-dev). Built by scripts/install-native.mjs at install time or by `npx dislib build-native`.
{
  "targets": [
    {
      "target_name": "dislib_native",
      "sources": [
        "native/addon.c",
        "native/napi_args.c",
        "native/blas.c",
        "native/kmeans.c",
        "native/lapack.c",
        "native/csv.c",
        "native/random.c"
      ],
      # pkg-config knows where Debian's alternatives put cblas.h; the fallback is Debian's default.
      "include_dirs": [
        "<!@((pkg-config --cflags-only-I openblas 2>/dev/null || echo -I/usr/include/x86_64-linux-gnu/openblas-pthread) | sed 's/-I//g')"
      ],
      # -Wno-psabi: 32-byte vector types in static inline helpers warn about an ABI that never applies.
      "cflags_c": ["-std=gnu11", "-O3", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi"],
      "cflags!": ["-O2", "-O1", "-O0"],
      "conditions": [
        # Portable baseline; the hot K-means loops also carry an x86-64-v3 clone picked at load time.
        ["target_arch=='x64'", { "cflags_c": ["-march=x86-64-v2", "-mtune=generic"] }]
      ],
      "libraries": [
        "<!@(pkg-config --libs openblas lapacke 2>/dev/null || echo -lopenblas -llapacke)"
      ],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
