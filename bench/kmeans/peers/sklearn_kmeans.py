"""scikit-learn KMeans (lloyd) peer: given initial centers, tol = 0, `--threads` OpenMP/BLAS threads."""
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from common import fit_times, parse_args, report, timed

args = parse_args()
load_s, x = timed(lambda: np.ascontiguousarray(np.load(args.data)))
n, d = x.shape


def fit(k, max_iter):
    init = x[:k].copy()
    return KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=0.0, algorithm="lloyd").fit(x)


with threadpool_limits(limits=args.threads):
    for k in args.ks:
        t1, tn, per_iter, km = fit_times(lambda m: fit(k, m), args.iters)
        report("scikit-learn", sklearn.__version__, n, d, k, args.iters, load_s, t1, tn, per_iter, int(km.n_iter_), float(km.inertia_),
               threads=args.threads)
