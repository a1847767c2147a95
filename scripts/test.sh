#!/usr/bin/env bash
# Set up a virtual environment with ember and its test oracle (torch==2.13.0, CPU), then run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Install only when pyproject.toml changed since the last install (pip takes seconds even when
# everything is present).
stamp=.venv/.installed-test
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  cp pyproject.toml "$stamp"
fi
# lint first (seconds), then the tests
.venv/bin/python -m ruff check ember tests
exec .venv/bin/python -m pytest -n 2 "$@"
