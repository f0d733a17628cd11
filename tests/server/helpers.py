"""Building push bodies and reading pulls in server tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient


def change(
    entity: str, op: str, row_id: str | None = None, base_rev: int = 0, **fields: Any
) -> dict[str, Any]:
    return {
        "entity": entity,
        "id": row_id or str(uuid.uuid4()),
        "op": op,
        "base_rev": base_rev,
        "fields": fields,
    }


def push(client: TestClient, headers: dict[str, str], *changes: dict[str, Any], batch_id: str | None = None):
    body = {"batch_id": batch_id or str(uuid.uuid4()), "changes": list(changes)}
    return client.post("/v1/sync/push", json=body, headers=headers)


def pull_all(
    client: TestClient, headers: dict[str, str], since: int = 0, limit: int = 500
) -> tuple[list[dict], int]:
    rows: list[dict[str, Any]] = []
    cursor = since
    while True:
        response = client.get("/v1/sync/pull", params={"since": cursor, "limit": limit}, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        rows.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return rows, cursor


def submitted_visit(account_id: str, **overrides: Any) -> dict[str, Any]:
    moment = datetime(2026, 11, 23, 2, 30, tzinfo=UTC).isoformat()
    fields = {
        "account_id": account_id,
        "kind": "onsite",
        "status": "submitted",
        "occurred_at": moment,
        "submitted_at": moment,
        "template_key": "onsite_return_visit",
        "template_version": 1,
        "answers": {"topic": "专线扩容需求回访", "has_complaint": False},
        "summary": "客户对专线质量满意，提出扩容需求",
    }
    return fields | overrides
