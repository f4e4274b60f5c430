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
        "native/csv.c"
      ],
      "include_dirs": [
        "<!@(pkg-config --cflags-only-I openblas 2>/dev/null | sed 's/-I//g' || echo /usr/include/x86_64-linux-gnu/openblas-pthread)"
      ],
      "cflags_c": ["-std=gnu11", "-O3", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2", "-O1", "-O0"],
      "conditions": [
        ["target_arch=='x64'", { "cflags_c": ["-march=x86-64-v2", "-mtune=generic"] }]
      ],
      "libraries": [
        "<!@(pkg-config --libs openblas lapacke 2>/dev/null || echo -lopenblas -llapacke)"
      ],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
