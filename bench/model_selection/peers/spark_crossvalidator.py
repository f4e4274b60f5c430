"""Spark ML peer: CrossValidator(KMeans, parallelism=--parallelism) on local[--parallelism], the same folds
given through foldCol, tol 0. pyspark.ml's KMeans takes no initial centers (initMode 'random', seed 1) and
Spark has no test-set inertia evaluator, so the folds are scored by ClusteringEvaluator (silhouette, squared
Euclidean): the candidates and fits are the same work, the scores differ.
"""
import os
import sys

import numpy as np
import pandas as pd
import pyspark
from pyspark.ml.clustering import KMeans
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.functions import array_to_vector
from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
from pyspark.sql import SparkSession

from common import parse_args, repeat, report, timed

args = parse_args()
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
spark = (SparkSession.builder.master(f"local[{args.parallelism}]").appName("gridsearch-bench")
         .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "8g"))
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", str(args.parallelism))
         .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def load():
    x = np.load(args.data, mmap_mode="r")
    n = x.shape[0]
    fold = (np.arange(n) * args.folds) // n  # KFold without shuffling: equal consecutive folds
    pdf = pd.DataFrame({"features": list(np.asarray(x)), "fold": fold.astype(np.int32)})
    df = spark.createDataFrame(pdf).select(array_to_vector("features").alias("features"), "fold")
    df = df.repartition(args.parallelism).cache()
    df.count()
    return x.shape, df


load_s, (shape, df) = timed(load)
n, d = shape
km = KMeans(tol=0.0, initMode="random", seed=1)
grid = ParamGridBuilder().addGrid(km.k, args.ks).addGrid(km.maxIter, args.iters).build()


def search():
    cv = CrossValidator(estimator=km, estimatorParamMaps=grid, evaluator=ClusteringEvaluator(distanceMeasure="squaredEuclidean"),
                        numFolds=args.folds, foldCol="fold", parallelism=args.parallelism)
    return cv.fit(df)


seconds, times, model = repeat(search, args.repeats)
best_i = int(np.argmax(model.avgMetrics))
best = {"nClusters": grid[best_i][km.k], "maxIter": grid[best_i][km.maxIter], "score": float(model.avgMetrics[best_i])}
report("spark-ml", pyspark.__version__, n, d, args, load_s, seconds, times, best, scoring="silhouette")
spark.stop()
