"""Shared protocol of the K-means peers: arguments, timing by differencing, the JSON result line.

Every peer loads X (n x d .npy) once (timed apart), then for each k takes the first k rows as initial
centers when the system accepts given centers, and fits in pairs: max_iter = 1, then max_iter = 1 + iters (tol = 0).
Time per iteration = (T(1 + iters) - T(1)) / iters: set-up, initialisation and final passes cancel out,
so every system is charged only for its Lloyd iterations. The pair of fits is repeated (at least twice,
at most five times, while the repeats take under REPEAT_BUDGET_S seconds) and the median of the pairs'
estimates is reported: one short fit on a noisy 2-core machine can be off by tens of percent.
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


REPEAT_BUDGET_S = 20.0


def fit_times(fit, iters):
    """(median T(1), median T(1 + iters), median per-iteration estimate, the last longer fit's result)."""
    t1s, tns, per_iter = [], [], []
    start = time.perf_counter()
    out = None
    while len(per_iter) < 2 or (len(per_iter) < 5 and time.perf_counter() - start < REPEAT_BUDGET_S):
        t1s.append(timed(lambda: fit(1))[0])
        tn, out = timed(lambda: fit(1 + iters))
        tns.append(tn)
        per_iter.append((tn - t1s[-1]) / iters)
    return median(t1s), median(tns), median(per_iter), out


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def report(system, version, n, d, k, iters, load_s, t1, tn, per_iter, n_iter, inertia, **extra):
    """Prints the one JSON line the runner reads (the last line of stdout)."""
    print(json.dumps({
        "system": system, "version": version, "n": n, "d": d, "k": k, "iters": iters,
        "loadSeconds": load_s, "fit1Seconds": t1, "fitSeconds": tn, "secondsPerIter": per_iter,
        "nIter": n_iter, "inertia": inertia, **extra,
    }))
    sys.stdout.flush()
