#!/usr/bin/env bash
# Set everything up and run every check: ruff, mypy --strict, import layers, and the whole pytest suite
# (unit and integration against real Kamailio, baresip, SIPp, PulseAudio, PostgreSQL and the hub).
# Extra arguments go to pytest, e.g. ./test.sh -m unit   or   ./test.sh tests/unit/test_config.py
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
./build_scripts/bootstrap.sh
. .venv/bin/activate
echo "== ruff";          ruff check .
echo "== ruff format";   ruff format --check .
echo "== mypy --strict"; mypy
echo "== import layers"; lint-imports
echo "== translations";  python build_scripts/i18n.py check
echo "== pytest"
exec python -m pytest "$@"
