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
if [ "$#" -gt 0 ]; then
    echo "== pytest $*"
    exec python -m pytest "$@"
fi
# Two pytest processes: the fast Qt-free/offscreen unit tests first, then everything that starts real programs.
# Separate processes also keep threads and Qt objects an in-process application test leaves behind from reaching
# the unit tests (a full single-process run once crashed in pytest-qt's event processing that way).
# The every-test command: a missing prerequisite fails here (tests/helpers/require.py), it never skips.
export CI="${CI:-1}"
echo "== pytest: unit";        python -m pytest tests/unit
echo "== pytest: integration"; exec python -m pytest --durations=15 tests/integration tests/packaging
