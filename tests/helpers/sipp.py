"""SIPp as a load generator and fuzzer: runs a scenario from ``tests/helpers/sipp/`` to completion.

``uac_call.xml`` places calls through a proxy (it honours Record-Route, unlike SIPp's built-in ``uac``);
``malformed.xml`` throws broken SIP at a UA. :func:`run_sipp` returns the counts SIPp reports.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.ports import free_port

SCENARIOS = Path(__file__).with_name("sipp")


@dataclass(frozen=True)
class SippResult:
    returncode: int
    successful: int
    failed: int
    output: str


def run_sipp(
    scenario: str,
    target: str,
    *,
    service: str,
    log_dir: Path,
    calls: int = 1,
    rate: float = 1.0,
    limit: int = 1,
    hold_ms: int = 1000,
    transport: str = "u1",
    timeout: float = 120.0,
    extra: tuple[str, ...] = (),
) -> SippResult:
    """Run ``scenario`` (a file name in ``tests/helpers/sipp``) against ``target`` (host:port) for ``calls`` calls."""
    log_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        "sipp",
        target,
        "-sf",
        str(SCENARIOS / scenario),
        "-s",
        service,
        "-i",
        "127.0.0.1",
        "-p",
        str(free_port("both")),
        "-m",
        str(calls),
        "-r",
        str(rate),
        "-l",
        str(limit),
        "-d",
        str(hold_ms),
        "-t",
        transport,
        "-nostdin",
        "-trace_err",
        "-trace_stat",
        "-error_file",
        str(log_dir / f"sipp-{scenario}-errors.log"),
        "-stf",
        str(log_dir / f"sipp-{scenario}-stats.csv"),
        "-timeout",
        f"{int(timeout)}s",
        "-timeout_error",
        *extra,
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 30, cwd=log_dir, check=False)
    output = proc.stdout + proc.stderr
    (log_dir / f"sipp-{scenario}.log").write_text(output)
    return SippResult(proc.returncode, _count(output, "Successful call"), _count(output, "Failed call"), output)


def _count(output: str, label: str) -> int:
    # SIPp's final screen: "Successful call   |   0   |   50" (periodic | cumulative).
    matches = re.findall(rf"{label}\s*\|\s*\d+\s*\|\s*(\d+)", output)
    return int(matches[-1]) if matches else 0
