"""Peer of bench/io/run.ts: times numpy.loadtxt (single core) on a CSV and prints one JSON line.

    bench/.venv/bin/python bench/io/numpy_loadtxt.py FILE [--delimiter ,] [--reps N]

Each repetition times np.loadtxt(FILE, delimiter=...) followed by the array's sum (the same work the
dislib-ts side is timed for: load, then reduce to one number): wall seconds and CPU seconds.
"""
import argparse
import json
import os
import time

import numpy as np

# One core, like one numpy process: no threaded BLAS in the sum either.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--delimiter", default=",")
    p.add_argument("--reps", type=int, default=1)
    a = p.parse_args()
    times, cpu = [], []
    for _ in range(a.reps):
        t0, c0 = time.perf_counter(), time.process_time()
        x = np.loadtxt(a.file, delimiter=a.delimiter)
        total = float(x.sum())
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        shape = list(x.shape)
        del x
    print(json.dumps({"numpy": np.__version__, "times": times, "cpu": cpu, "shape": shape, "sum": total}))


if __name__ == "__main__":
    main()
