"""Dask distributed figures for bench/runtime/run.ts, measured the same way as dislib-ts.

LocalCluster(n_workers=2, threads_per_worker=1) (worker processes). Tasks/s: `tasks` independent empty
tasks submitted at once (client.map), timed until every result is gathered on the client. Transfer: a
block made on worker 1 (and awaited), then a task restricted to worker 2 that needs it, timed from
submit to result. Median of `rounds` rounds after one warm-up round. Prints one JSON line.

    bench/.venv/bin/python bench/runtime/dask_runtime.py --tasks 10000 --mb 128 --rounds 5
"""
import argparse
import json
import time

import numpy as np
from dask.distributed import Client, LocalCluster, wait
import distributed


def empty(i):
    return i


def make_block(n):
    return np.full(n, 1.5)


def nbytes(a):
    return a.nbytes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", type=int, default=10000)
    p.add_argument("--mb", type=float, default=128)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        w1, w2 = sorted(client.scheduler_info()["workers"])
        tasks_per_second = []
        for r in range(args.rounds + 1):
            t0 = time.perf_counter()
            fs = client.map(empty, range(args.tasks), pure=False)
            out = client.gather(fs)
            dt = time.perf_counter() - t0
            assert len(out) == args.tasks and out[-1] == args.tasks - 1
            del fs, out
            if r > 0:
                tasks_per_second.append(args.tasks / dt)

        n = round(args.mb * 2**20 / 8)
        mb_per_second = []
        for r in range(args.rounds + 1):
            block = client.submit(make_block, n, workers=[w1], pure=False)
            assert client.submit(nbytes, block, workers=[w1], pure=False).result() == n * 8
            t0 = time.perf_counter()
            got = client.submit(nbytes, block, workers=[w2], allow_other_workers=False, pure=False).result()
            dt = time.perf_counter() - t0
            assert got == n * 8
            del block
            if r > 0:
                mb_per_second.append(args.mb / dt)

    print(json.dumps({"tasksPerSecond": tasks_per_second, "mbPerSecond": mb_per_second, "version": f"distributed {distributed.__version__}"}))


if __name__ == "__main__":
    main()
