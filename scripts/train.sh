#!/usr/bin/env bash
# Set up a virtual environment with ember and the example's extras, then run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[examples]"
exec .venv/bin/python -m ember.examples.train "$@"
