"""HTTP behaviour: readable 4xx, JSON errors, size limit, gzip both ways, health, OpenAPI."""

import gzip
import json
import uuid

import pytest

from kamdesk.server.app import create_app
from tests.server.conftest import login
from tests.server.helpers import change


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"batch_id": "not-a-uuid", "changes": []}, "batch_id"),
        ({"changes": []}, "batch_id: Field required"),
        ({"batch_id": str(uuid.uuid4()), "changes": [{"entity": "contacts"}]}, "changes.0.id"),
        (
            {
                "batch_id": str(uuid.uuid4()),
                "changes": [{"entity": "x", "id": str(uuid.uuid4()), "op": "upsert"}],
            },
            "changes.0.op",
        ),
        ({"batch_id": str(uuid.uuid4()), "changes": "lots"}, "changes"),
        ({"batch_id": str(uuid.uuid4()), "changes": [], "surprise": 1}, "surprise"),
    ],
)
def test_invalid_push_bodies_get_422_with_a_readable_message(client, world, body, needle):
    response = client.post("/v1/sync/push", json=body, headers=login(client, "liming"))
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_request"
    assert needle in error["message"]
    assert error["details"]["errors"]


def test_malformed_json_and_bad_queries_are_4xx(client, world):
    headers = login(client, "liming") | {"Content-Type": "application/json"}
    broken = client.post("/v1/sync/push", content=b'{"batch_id": ', headers=headers)
    assert broken.status_code == 422
    assert "JSON" in broken.json()["message"]
    assert client.get("/v1/sync/pull", params={"since": -1}, headers=headers).status_code == 422
    assert client.get("/v1/sync/pull", params={"limit": 100000}, headers=headers).status_code == 422
    bad_period = client.get(
        "/v1/team/averages",
        params={"period_start": "2026-12-01", "period_end": "2026-11-01"},
        headers=headers,
    )
    assert bad_period.status_code == 422
    assert bad_period.json()["code"] == "invalid_period"


def test_unknown_routes_and_methods_answer_in_json(client):
    missing = client.get("/v1/nothing")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    wrong = client.get("/v1/sync/push")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


def test_bodies_over_the_limit_are_refused(settings, database, world):
    from fastapi.testclient import TestClient

    small = settings.model_copy(update={"max_request_bytes": 2000})
    with TestClient(create_app(small, database)) as client:
        headers = login(client, "liming")
        changes = [
            change("contacts", "insert", account_id=world.account_a, name="名" * 50) for _ in range(20)
        ]
        body = json.dumps({"batch_id": str(uuid.uuid4()), "changes": changes}).encode()
        response = client.post(
            "/v1/sync/push", content=body, headers=headers | {"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        # A small gzip body that inflates past the limit (a "zip bomb") is refused too.
        bomb = gzip.compress(b'{"batch_id": "' + b" " * 100_000 + b'"}')
        assert len(bomb) < 2000
        response = client.post(
            "/v1/sync/push",
            content=bomb,
            headers=headers | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        assert response.status_code == 413


def test_gzip_request_bodies_are_accepted_and_responses_compressed(client, world):
    headers = login(client, "liming")
    changes = [change("contacts", "insert", account_id=world.account_a, name=f"联系人{n}") for n in range(30)]
    body = gzip.compress(json.dumps({"batch_id": str(uuid.uuid4()), "changes": changes}).encode())
    response = client.post(
        "/v1/sync/push",
        content=body,
        headers=headers
        | {"Content-Type": "application/json", "Content-Encoding": "gzip", "Accept-Encoding": "gzip"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-encoding"] == "gzip"
    assert {r["status"] for r in response.json()["results"]} == {"applied"}
    broken = client.post(
        "/v1/sync/push",
        content=b"not gzip",
        headers=headers | {"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "bad_gzip"


def test_health_and_openapi(client):
    health = client.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert {"/v1/auth/login", "/v1/sync/push", "/v1/sync/pull", "/v1/team/averages", "/health"} <= set(
        schema["paths"]
    )
    assert client.get("/docs").status_code == 200


def test_an_unreachable_database_is_a_503_to_retry(settings, database, world):
    from fastapi.testclient import TestClient

    from kamdesk.server.db import Database, create_server_engine

    with TestClient(create_app(settings, database)) as working:
        headers = login(working, "liming")
    unreachable = Database(create_server_engine("postgresql+psycopg://kamdesk@127.0.0.1:1/kamdesk"))
    with TestClient(create_app(settings, unreachable), raise_server_exceptions=False) as client:
        response = client.get("/v1/sync/pull", headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json()["code"] == "database_unavailable"
