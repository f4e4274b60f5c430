"""Spark MLlib KMeans peer (pyspark.ml, local[threads]): solver row or block, tol = 0.

pyspark.ml's KMeans takes no initial centers, so it starts from initMode='random' (seeded): the cost of a
Lloyd iteration does not depend on where the centers start, and time per iteration is measured by
differencing (T(1 + iters) - T(1)) / iters, which removes the initialisation.
"""
import os
import sys

import numpy as np
import pandas as pd
import pyspark
from pyspark.ml.clustering import KMeans
from pyspark.ml.functions import array_to_vector
from pyspark.sql import SparkSession

from common import fit_times, parse_args, report, timed

args = parse_args()
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # Python workers need this venv's numpy
mem = os.environ.get("SPARK_DRIVER_MEMORY", "12g")
spark = (SparkSession.builder.master(f"local[{args.threads}]").appName("kmeans-bench")
         .config("spark.driver.memory", mem).config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", str(args.threads))
         .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")


def load():
    """Rows shipped through Arrow as arrays, then turned into ml vectors (the type both solvers take)."""
    x = np.load(args.data, mmap_mode="r")
    pdf = pd.DataFrame({"features": list(np.asarray(x))})
    df = spark.createDataFrame(pdf).select(array_to_vector("features").alias("features")).repartition(args.threads).cache()
    df.count()
    return x.shape, df


load_s, (shape, df) = timed(load)
n, d = shape


def fit(k, solver, max_iter):
    km = KMeans(k=k, maxIter=max_iter, tol=0.0, initMode="random", seed=1, solver=solver)
    return km.fit(df)


for k in args.ks:
    for solver in args.solvers:
        t1, tn, per_iter, model = fit_times(lambda m: fit(k, solver, m), args.iters)
        report(f"spark-mllib-{solver}", pyspark.__version__, n, d, k, args.iters, load_s, t1, tn, per_iter,
               int(model.summary.numIter), float(model.summary.trainingCost), solver=solver, threads=args.threads)
spark.stop()
