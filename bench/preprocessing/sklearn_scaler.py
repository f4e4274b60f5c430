"""scikit-learn peer of the preprocessing bench: StandardScaler fit + transform on n x d uniform data.

    python sklearn_scaler.py ROWS COLS REPEATS
Prints one JSON line: {"system", "version", "seconds": [per repeat]}. Data generation is not timed.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.preprocessing import StandardScaler

rows, cols, repeats = int(float(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
x = np.random.default_rng(0).random((rows, cols))
seconds = []
for _ in range(repeats):
    t0 = time.perf_counter()
    scaler = StandardScaler().fit(x)
    z = scaler.transform(x)
    seconds.append(time.perf_counter() - t0)
    del z
print(json.dumps({"system": "scikit-learn", "version": sklearn.__version__, "seconds": seconds}))
