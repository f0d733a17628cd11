"""Sign-in, tokens, revocation and the login rate limit."""

from kamdesk.server import auth
from kamdesk.server.tables import Credential, Device
from tests.server.conftest import PASSWORD, login


def test_login_returns_a_token_stored_only_as_a_hash(client, world, database):
    response = client.post(
        "/v1/auth/login", json={"username": "liming", "password": PASSWORD, "device_name": "联想 ThinkPad"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": world.manager_a,
        "username": "liming",
        "display_name": "李明",
        "role": "manager",
        "team_id": world.team_a,
    }
    with database.begin() as session:
        device = session.get(Device, body["device_id"])
        assert device.name == "联想 ThinkPad"
        assert body["token"] not in device.token_hash
        assert len(device.token_hash) == 64
        assert session.get(Credential, world.manager_a).password_hash.startswith("$argon2id$")
    me = client.get("/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["username"] == "liming"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, world):
    wrong = client.post("/v1/auth/login", json={"username": "liming", "password": "x", "device_name": "d"})
    unknown = client.post("/v1/auth/login", json={"username": "nobody", "password": "x", "device_name": "d"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "bad_credentials"


def test_missing_or_forged_token_is_refused(client, world):
    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic abc"}):
        response = client.get("/v1/sync/pull", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_revoked_token_is_refused(client, world, database):
    headers = login(client, "liming")
    other = login(client, "liming")
    assert client.get("/v1/sync/pull", headers=headers).status_code == 200
    assert client.post("/v1/auth/logout", headers=headers).status_code == 204
    refused = client.get("/v1/sync/pull", headers=headers)
    assert refused.status_code == 401
    assert "sign in again" in refused.json()["message"]
    assert (
        client.post("/v1/sync/push", headers=headers, json={"batch_id": "x", "changes": []}).status_code
        == 401
    )
    assert client.get("/v1/sync/pull", headers=other).status_code == 200  # only that device
    # An administrator revokes the other device.
    with database.begin() as session:
        device_id = session.query(Device).filter(Device.revoked_at.is_(None)).one().id
        assert auth.revoke_device(session, device_id)
    assert client.get("/v1/sync/pull", headers=other).status_code == 401


def test_disabled_user_is_refused(client, world, database):
    headers = login(client, "liming")
    with database.begin() as session:
        session.get(Credential, world.manager_a).disabled = True
    assert client.get("/v1/sync/pull", headers=headers).status_code == 401
    response = client.post(
        "/v1/auth/login", json={"username": "liming", "password": PASSWORD, "device_name": "d"}
    )
    assert response.status_code == 401


def test_failed_logins_are_limited_per_user(client, world, settings):
    for _ in range(settings.login_max_failures_per_user):
        assert (
            client.post(
                "/v1/auth/login", json={"username": "liming", "password": "guess", "device_name": "d"}
            ).status_code
            == 401
        )
    locked = client.post(
        "/v1/auth/login", json={"username": "liming", "password": PASSWORD, "device_name": "d"}
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert int(locked.headers["Retry-After"]) > 0
    # Other users from the same address are not locked out by one user's failures.
    assert (
        client.post(
            "/v1/auth/login", json={"username": "wangfang", "password": PASSWORD, "device_name": "d"}
        ).status_code
        == 200
    )


def test_failed_logins_are_limited_per_address(client, world, settings):
    for n in range(settings.login_max_failures_per_address):
        client.post("/v1/auth/login", json={"username": f"guess{n}", "password": "x", "device_name": "d"})
    response = client.post(
        "/v1/auth/login", json={"username": "wangfang", "password": PASSWORD, "device_name": "d"}
    )
    assert response.status_code == 429
