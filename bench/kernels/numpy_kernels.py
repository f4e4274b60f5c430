"""numpy peer of bench/kernels/run.ts: times the same kernels on the same shapes, in the same run.

Usage: python numpy_kernels.py '<json spec>'   (spec written by run.ts; see `Spec` there)
The BLAS thread count comes from OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, which the caller sets before
numpy is imported. Prints one JSON object: per kernel, wall-clock and CPU seconds, one per repetition.
"""
import json
import sys
import time

import numpy as np


def timed(fn, reps, warmup=True):
    """Wall and CPU (all threads) seconds of `reps` calls of fn, after one untimed warm-up call unless told
    otherwise, as {"seconds", "cpuSeconds"}, and the last result."""
    last = fn() if warmup else None
    out = {"seconds": [], "cpuSeconds": []}
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        last = fn()
        out["seconds"].append(time.perf_counter() - t0)
        out["cpuSeconds"].append(time.process_time() - c0)
    return out, last


def kmeans_assign(x, c, c_norms):
    """Nearest center per row the BLAS way: ||c||^2 - 2 X C^T, then argmin (||x||^2 does not change it)."""
    s = x @ c.T
    s *= -2.0
    s += c_norms
    return s.argmin(axis=1)


def main():
    spec = json.loads(sys.argv[1])
    rng = np.random.default_rng(spec.get("seed", 0))
    result = {"numpy": np.__version__, "kmeans": []}
    if spec.get("gemm"):
        n = spec["gemm"]["n"]
        a, b = rng.random((n, n)), rng.random((n, n))
        result["gemm"] = {"n": n, **timed(lambda: a @ b, spec["gemm"]["reps"])[0]}
        del a, b
    for shape in spec.get("kmeans", []):
        n, d, k = shape["n"], shape["d"], shape["k"]
        x, c = rng.random((n, d)), rng.random((k, d))
        c_norms = (c * c).sum(axis=1)
        times = timed(lambda: kmeans_assign(x, c, c_norms), shape["reps"])[0]
        result["kmeans"].append({"n": n, "d": d, "k": k, **times})
        del x
    if spec.get("csv"):
        path = spec["csv"]["path"]
        # No warm-up: the caller has just read the file, so it is in the page cache already.
        load = lambda: np.loadtxt(path, delimiter=",", dtype=np.float64)  # noqa: E731
        times, arr = timed(load, spec["csv"]["reps"], warmup=False)
        result["csv"] = {"rows": int(arr.shape[0]), "cols": int(arr.shape[1]), **times}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
