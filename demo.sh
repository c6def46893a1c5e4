#!/usr/bin/env bash
# Set everything up and run the demo: the hub on SQLite with demo data, a SIP registrar (Kamailio), a simulated
# caller, and the AgentDesk client signed in. Ctrl+C (or closing the window) stops everything.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
./build_scripts/bootstrap.sh
exec .venv/bin/python -m app.demo "$@"
