"""scikit-learn peer: GridSearchCV(KMeans, n_jobs=--parallelism) with the given initial centers (first k rows)."""
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.model_selection import GridSearchCV, KFold

from common import parse_args, repeat, report, timed

args = parse_args()
load_s, x = timed(lambda: np.load(args.data))
n, d = x.shape
grid = [{"n_clusters": [k], "init": [x[:k].copy()], "max_iter": args.iters} for k in args.ks]


def search():
    est = KMeans(n_init=1, tol=0.0, algorithm="lloyd")
    return GridSearchCV(est, grid, cv=KFold(args.folds), n_jobs=args.parallelism, refit=True).fit(x)


seconds, times, s = repeat(search, args.repeats)
best = {"nClusters": int(s.best_params_["n_clusters"]), "maxIter": int(s.best_params_["max_iter"]), "score": float(s.best_score_)}
report("scikit-learn", sklearn.__version__, n, d, args, load_s, seconds, times, best,
       meanTestScore=[float(v) for v in s.cv_results_["mean_test_score"]])
