"""Dask distributed side of bench/runtime/run.ts, measured the same way as dislib-ts.

Starts LocalCluster(n_workers=2, threads_per_worker=1) (worker processes), prints one JSON line
{"ready": ..., "version": ...}, then answers one command per stdin line with one JSON line, so that
run.ts can alternate dislib-ts and Dask rounds under the same machine load:

    tasks N     N independent empty tasks submitted at once (client.map), timed until every result is
                gathered on the client -> {"tasksPerSecond": x}
    transfer MB a block of MB megabytes made on worker 1 (and awaited), then a task restricted to
                worker 2 that needs it, timed from submit to result -> {"mbPerSecond": x}

    bench/.venv/bin/python bench/runtime/dask_runtime.py
"""
import json
import sys
import time

import distributed
import numpy as np
from dask.distributed import Client, LocalCluster


def empty(i):
    return i


def make_block(n):
    return np.full(n, 1.5)


def nbytes(a):
    return a.nbytes


def tasks_per_second(client, n):
    t0 = time.perf_counter()
    fs = client.map(empty, range(n), pure=False)
    out = client.gather(fs)
    dt = time.perf_counter() - t0
    assert len(out) == n and out[-1] == n - 1
    return n / dt


def mb_per_second(client, w1, w2, mb):
    n = round(mb * 2**20 / 8)
    block = client.submit(make_block, n, workers=[w1], pure=False)
    assert client.submit(nbytes, block, workers=[w1], pure=False).result() == n * 8
    t0 = time.perf_counter()
    got = client.submit(nbytes, block, workers=[w2], allow_other_workers=False, pure=False).result()
    dt = time.perf_counter() - t0
    assert got == n * 8
    return mb / dt


def main():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        w1, w2 = sorted(client.scheduler_info()["workers"])
        print(json.dumps({"ready": True, "version": f"distributed {distributed.__version__}"}), flush=True)
        for line in sys.stdin:
            cmd, arg = line.split()
            if cmd == "tasks":
                out = {"tasksPerSecond": tasks_per_second(client, int(arg))}
            elif cmd == "transfer":
                out = {"mbPerSecond": mb_per_second(client, w1, w2, float(arg))}
            else:
                out = {"error": f"unknown command {cmd}"}
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
