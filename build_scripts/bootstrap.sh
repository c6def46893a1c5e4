#!/usr/bin/env bash
# Set up everything AgentDesk needs on a Debian 12 / Ubuntu machine: Debian packages (as root or through sudo),
# a virtualenv in .venv and the Python packages pinned by constraints.txt. Idempotent and quick when nothing changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${AGENTDESK_VENV:-$here/.venv}"
stamp_dir="$venv/.agentdesk-stamps"

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else sudo_cmd=(); fi
fi

# --- Debian packages --------------------------------------------------------------------------------
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' build_scripts/debian-packages.txt | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] && [ "${#sudo_cmd[@]}" -eq 0 ]; then
        say "missing Debian packages and no root/sudo: ${missing[*]}"; exit 1
    fi
    say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Services the packages start on install would hold ports and confuse tests; the tests start their own.
for svc in kamailio postgresql; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
        "${sudo_cmd[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
done

# --- Python -----------------------------------------------------------------------------------------
py="${PYTHON:-}"
if [ -z "$py" ]; then
    for cand in python3.11 python3.12 python3; do
        if command -v "$cand" >/dev/null 2>&1; then py="$cand"; break; fi
    done
fi
if [ ! -x "$venv/bin/python" ]; then
    say "creating virtualenv $venv with $py"
    "$py" -m venv "$venv"
fi
mkdir -p "$stamp_dir"
want_hash="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp_dir/python" 2>/dev/null)" != "$want_hash" ]; then
    say "installing Python packages (constraints.txt)"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -c constraints.txt -e ".[hub,dev]"
    echo "$want_hash" > "$stamp_dir/python"
fi

# --- native audio bridge (C on libpulse; the app falls back to the pure-Python bridge without it) ----------
if [ "$(uname -s)" = "Linux" ]; then
    "$venv/bin/python" build_scripts/build_native.py
fi

# --- translations -----------------------------------------------------------------------------------
"$venv/bin/python" build_scripts/i18n.py compile --quiet
say "ready ($venv)"
