"""Knowledge search on the real hub (SQLite FTS5 and PostgreSQL tsvector): ranking, soft deletes leaving the index,
and the per-process result cache never serving a result after an article changed."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers.hub import HubProcess

pytestmark = pytest.mark.integration


def test_search_follows_every_change_and_ranks_titles_first(hub: HubProcess) -> None:
    sup = hub.client("sup.zhang", client_kind="service")
    li = hub.client("agent.li", client_kind="service")
    tag = f"kbs{uuid.uuid4().hex[:8]}"  # a word no other article has
    category = {"category": "kbtest_search"}

    def titles(q: str) -> list[str]:
        result = li.ok("GET", "/kb/search", params={"q": q, **category})
        assert result["total"] == len(result["hits"])
        return [h["title"] for h in result["hits"]]

    assert titles(f"{tag} 挂失") == []  # cached as empty now
    body = {"tags": [], **category}
    in_body = sup.ok(
        "POST", "/kb/articles", 201, json={"title": "补卡须知", "body": f"{tag} 挂失后补卡的说明。", **body}
    )
    assert titles(f"{tag} 挂失") == ["补卡须知"]  # the change invalidated the cached answer
    in_title = sup.ok(
        "POST", "/kb/articles", 201, json={"title": f"{tag} 挂失流程", "body": "先核实身份再挂失。", **body}
    )
    assert titles(f"{tag} 挂失") == [f"{tag} 挂失流程", "补卡须知"]  # a title match ranks first

    sup.ok("PUT", f"/kb/articles/{in_body['id']}", json={"title": "补卡须知", "body": "与此无关。", **body})
    assert titles(f"{tag} 挂失") == [f"{tag} 挂失流程"]
    assert sup.request("DELETE", f"/kb/articles/{in_title['id']}").status_code == 204
    assert titles(f"{tag} 挂失") == []
    assert titles(tag) == []
