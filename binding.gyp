# The native kernel addon (Node-API, C11). It needs only a C compiler: no BLAS headers and no BLAS at link
# time. When it loads it opens a system BLAS (OpenBLAS, MKL, BLIS, libblas.so.3) with dlopen if one is
# installed, else it uses its built-in GEMM and factorisations (native/blas_select.c). Built by
# scripts/install-native.mjs at install time or by `npx dislib build-native`.
{
  "targets": [
    {
      "target_name": "dislib_native",
      # Every C file of native/: a new kernel's file registers its entry points itself (native/kernels.h).
      "sources": ["<!@(ls native/*.c)"],
      # -Wno-psabi: 32-byte vector types in static inline helpers warn about an ABI that never applies.
      "cflags_c": ["-std=gnu11", "-O3", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi"],
      "cflags!": ["-O2", "-O1", "-O0"],
      "conditions": [
        # Portable baseline; the hot loops also carry AVX2 / AVX-512 versions picked at load time.
        ["target_arch=='x64'", { "cflags_c": ["-march=x86-64-v2", "-mtune=generic"] }]
      ],
      "libraries": ["-ldl", "-lpthread", "-lm"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
