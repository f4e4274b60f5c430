#!/usr/bin/env bash
# Installs the Python peers of the benchmarks into bench/.venv (never called by the tests):
#   numpy, scipy, scikit-learn, threadpoolctl  (scikit-learn KMeans, fixtures)
#   pyspark, pandas, pyarrow                    (Spark MLlib; needs Java 17 on PATH)
#   dask[distributed], dask-ml                  (Dask-ML)
# Usage: bash bench/install-peers.sh [--python python3.11]
set -euo pipefail
cd "$(dirname "$0")"
python=python3
if [[ "${1:-}" == "--python" ]]; then python="$2"; fi
if [[ ! -x .venv/bin/python ]]; then "$python" -m venv .venv; fi
.venv/bin/pip install --upgrade --quiet pip
.venv/bin/pip install --quiet numpy scipy scikit-learn threadpoolctl pyspark pandas pyarrow 'dask[distributed]' dask-ml
if ! command -v java >/dev/null; then echo "warning: java not found: Spark MLlib will be recorded as failed" >&2; fi
.venv/bin/python - <<'PY'
import importlib
for m in ("numpy", "sklearn", "pyspark", "dask", "dask_ml"):
    mod = importlib.import_module(m)
    print(f"{m} {getattr(mod, '__version__', '?')}")
PY
