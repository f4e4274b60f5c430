"""Dask-ML KMeans peer: LocalCluster of `--threads` single-threaded worker processes, given initial centers, tol = 0."""
import dask
import dask.array as da
import dask_ml
import numpy as np
from dask.distributed import Client, LocalCluster, wait
from dask_ml.cluster import KMeans

from common import fit_times, parse_args, report, timed


@dask.delayed
def read_rows(path, start, stop):
    """Rows [start, stop) of the .npy file, read by a worker (the data never goes through the graph)."""
    return np.array(np.load(path, mmap_mode="r")[start:stop])


def main():
    args = parse_args()
    with LocalCluster(n_workers=args.threads, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster):
        def load():
            n, d = np.load(args.data, mmap_mode="r").shape
            chunk = max(1, -(-n // (4 * args.threads)))
            parts = [da.from_delayed(read_rows(args.data, a, min(n, a + chunk)), shape=(min(n, a + chunk) - a, d), dtype=np.float64)
                     for a in range(0, n, chunk)]
            x = da.concatenate(parts).persist()
            wait(x)
            return x

        load_s, x = timed(load)
        n, d = x.shape

        def fit(k, max_iter):
            init = np.asarray(x[:k].compute())
            return KMeans(n_clusters=k, init=init, max_iter=max_iter, tol=0.0).fit(x)

        for k in args.ks:
            t1, tn, per_iter, km = fit_times(lambda m: fit(k, m), args.iters)
            report("dask-ml", f"dask-ml {dask_ml.__version__}, dask {dask.__version__}", n, d, k, args.iters, load_s, t1, tn, per_iter,
                   int(km.n_iter_), float(km.inertia_), workers=args.threads)


if __name__ == "__main__":  # worker processes re-import this module
    main()
