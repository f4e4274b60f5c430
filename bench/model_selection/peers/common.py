"""Shared protocol of the GridSearchCV peers: arguments, the candidates, the folds, the JSON result line.

Every peer loads X (n x d float64 .npy) once (timed apart) and cross-validates KMeans over the candidates
nClusters in --ks times maxIter in --iters (tol 0, so every fit runs its iterations unless the centers
stop moving), with initial centers the first k rows of X where the system accepts given centers, on
KFold(--folds) without shuffling (fold f holds rows [f n / folds, (f + 1) n / folds)), then refits the
best candidate on all of X. The search is repeated (--repeats, default 2) and the median wall time is
reported.
"""
import argparse
import json
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="n x d float64 .npy")
    p.add_argument("--ks", required=True, help="comma-separated cluster counts")
    p.add_argument("--iters", required=True, help="comma-separated maxIter values")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--parallelism", type=int, default=2)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    args.ks = [int(k) for k in args.ks.split(",")]
    args.iters = [int(i) for i in args.iters.split(",")]
    return args


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn, repeats):
    """Median seconds of `repeats` runs of fn, and the last run's result."""
    times, out = [], None
    for _ in range(repeats):
        t, out = timed(fn)
        times.append(t)
    return statistics.median(times), times, out


def report(system, version, n, d, args, load_s, seconds, times, best, **extra):
    print(json.dumps({
        "system": system, "version": version, "n": n, "d": d, "ks": args.ks, "iters": args.iters,
        "folds": args.folds, "candidates": len(args.ks) * len(args.iters), "loadSeconds": load_s,
        "seconds": seconds, "times": times, "best": best, **extra,
    }))
    sys.stdout.flush()
