"""Bad input: schemathesis fuzzes every operation of the published OpenAPI (no 5xx allowed), plus oversized and
malformed bodies, against the real hub process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from tests.helpers.hub import HubClient, HubProcess, sqlite_copy

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fuzz_hub(
    hub_template: Path, tmp_path_factory: pytest.TempPathFactory, process_log_dir: Path
) -> Iterator[HubProcess]:
    proc = HubProcess(sqlite_copy(hub_template, tmp_path_factory.mktemp("fuzz")), process_log_dir, name="hub-fuzz")
    proc.start()
    try:
        yield proc
    finally:
        proc.close_clients()
        proc.stop()


@pytest.fixture(scope="module")
def fuzz_admin(fuzz_hub: HubProcess) -> HubClient:
    return fuzz_hub.client("admin", client_kind="service")


@pytest.fixture(scope="module")
def hub_schema(fuzz_hub: HubProcess) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{fuzz_hub.api}/openapi.json")
    # signing out would end the fuzzer's own session; it is covered by the auth tests
    return schema.exclude(path="/api/v1/auth/logout")


def test_no_server_errors_under_fuzzing(hub_schema: schemathesis.BaseSchema, fuzz_admin: HubClient) -> None:
    """Every operation, positive and negative generated cases, signed in as an admin (the widest access)."""
    # WORKAROUND: schemathesis.pytest.from_fixture fails on pytest 9 ('Function' has no '_nodeid'), so the
    # operations are driven by Hypothesis directly.
    headers = {"Authorization": f"Bearer {fuzz_admin.access_token}"}
    results = list(hub_schema.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results)  # the published schema is valid
    assert len(operations) > 30
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call(headers=headers, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.operation.label}: {response.status_code} for {case.body!r:.200}")

        run()
    assert failures == []


def test_body_size_limit_and_garbage(fuzz_hub: HubProcess, fuzz_admin: HubClient) -> None:
    big = "x" * (2 * 1024 * 1024)
    r = fuzz_admin.post("/tickets", content=big, headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "body_too_large")

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"a" * 65536

    r = fuzz_admin.post("/kb/articles", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    for raw in (b"{", b"\xff\xfe", b"[1,2]", b"null", b'{"subject": 5}'):
        r = fuzz_admin.post("/tickets", content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), raw
        assert r.json()["code"] in ("malformed_request", "validation_error")
    r = fuzz_admin.get("/tickets/not-a-number")
    assert (r.status_code, r.json()["fields"][0]["field"]) == (422, "ticket_id")
    assert fuzz_admin.get("/no/such/path").json()["code"] == "not_found"
    assert fuzz_admin.request("DELETE", "/tickets").json()["code"] == "method_not_allowed"
