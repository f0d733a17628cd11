from tests.server.conftest import login
from tests.server.helpers import change, pull_all, push


def test_login_push_pull(client, world):
    headers = login(client, "liming")
    rows, cursor = pull_all(client, headers)
    entities = {(r["entity"], r["id"]) for r in rows}
    assert ("accounts", world.account_a) in entities
    response = push(client, headers, change("contacts", "insert", account_id=world.account_a, name="周璇"))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"
