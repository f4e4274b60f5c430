"""Dask-ML KMeans peer: LocalCluster of `--threads` single-threaded workers, given initial centers, tol = 0."""
import dask
import dask.array as da
import dask_ml
import numpy as np
from dask.distributed import Client, LocalCluster, wait
from dask_ml.cluster import KMeans

from common import fit_times, parse_args, report, timed

args = parse_args()
with LocalCluster(n_workers=args.threads, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster):
    def load():
        mm = np.load(args.data, mmap_mode="r")
        chunk = max(1, -(-mm.shape[0] // (4 * args.threads)))
        x = da.from_array(mm, chunks=(chunk, mm.shape[1]), asarray=True).persist()
        wait(x)
        return x

    load_s, x = timed(load)
    n, d = x.shape

    def fit(k, max_iter):
        init = np.asarray(x[:k].compute())
        return KMeans(n_clusters=k, init=init, max_iter=max_iter, tol=0.0).fit(x)

    for k in args.ks:
        t1, tn, km = fit_times(lambda m: fit(k, m), args.iters)
        report("dask-ml", f"dask-ml {dask_ml.__version__}, dask {dask.__version__}", n, d, k, args.iters, load_s, t1, tn,
               int(km.n_iter_), float(km.inertia_), workers=args.threads)
