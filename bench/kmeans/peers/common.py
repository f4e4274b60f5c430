"""Shared protocol of the K-means peers: arguments, timing by differencing, the JSON result line.

Every peer loads X (n x d .npy) once (timed apart), then for each k takes the first k rows as initial
centers when the system accepts given centers, and fits twice: with max_iter = 1 and with max_iter = 1 + iters (tol = 0).
Time per iteration = (T(1 + iters) - T(1)) / iters: set-up, initialisation and final passes cancel out,
so every system is charged only for its Lloyd iterations. T(1) is the faster of two runs (the shortest
fit is the most exposed to noise).
"""
import argparse
import json
import sys
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="n x d float64 .npy")
    p.add_argument("--k", required=True, help="comma-separated cluster counts, one result line each")
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--solver", default="row,block", help="Spark MLlib solvers, comma-separated")
    args = p.parse_args()
    args.ks = [int(k) for k in args.k.split(",")]
    args.solvers = args.solver.split(",")
    return args


def fit_times(fit, iters):
    """(T(1), T(1 + iters), the longer fit's result) for fit(max_iter)."""
    t1 = min(timed(lambda: fit(1))[0], timed(lambda: fit(1))[0])
    tn, out = timed(lambda: fit(1 + iters))
    return t1, tn, out


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def report(system, version, n, d, k, iters, load_s, t1, tn, n_iter, inertia, **extra):
    """Prints the one JSON line the runner reads (the last line of stdout)."""
    per_iter = (tn - t1) / iters
    print(json.dumps({
        "system": system, "version": version, "n": n, "d": d, "k": k, "iters": iters,
        "loadSeconds": load_s, "fit1Seconds": t1, "fitSeconds": tn, "secondsPerIter": per_iter,
        "nIter": n_iter, "inertia": inertia, **extra,
    }))
    sys.stdout.flush()
