"""Team averages for the report builder."""

from tests.server.conftest import login
from tests.server.helpers import change, push, submitted_visit


def test_team_averages_count_submitted_visits_per_manager(client, world):
    a, b = login(client, "liming"), login(client, "wangfang")
    phone = {"kind": "phone", "template_key": None, "template_version": None, "answers": {}}
    push(
        client,
        a,
        change("visits", "insert", **submitted_visit(world.account_a)),
        change("visits", "insert", **submitted_visit(world.account_a)),
        change("visits", "insert", **submitted_visit(world.account_a, **phone)),
        change("visits", "insert", **submitted_visit(world.account_a, status="draft", submitted_at=None)),
        change(
            "visits", "insert", **submitted_visit(world.account_a, occurred_at="2026-10-31T15:59:00+00:00")
        ),
    )
    push(
        client,
        b,
        change(
            "visits",
            "insert",
            **submitted_visit(
                world.account_b, kind="sms", template_key=None, template_version=None, answers={}
            ),
        ),
    )
    response = client.get(
        "/v1/team/averages", params={"period_start": "2026-11-01", "period_end": "2026-11-30"}, headers=a
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["team_id"] == world.team_a
    assert body["managers"] == 2
    assert body["average"]["onsite"] == 1.0  # two on-site visits by 李明 / 2 managers
    assert body["mine"]["onsite"] == 2
    assert body["average"]["phone"] == 0.5
    assert body["average"]["sms"] == 0.5
    assert body["mine"]["sms"] == 0
    # 2026-10-31T15:59Z is 23:59 on 31 October in Shanghai: outside November.
    october = client.get(
        "/v1/team/averages", params={"period_start": "2026-10-31", "period_end": "2026-10-31"}, headers=a
    ).json()
    assert october["mine"]["onsite"] == 1


def test_supervisor_gets_no_mine_and_admin_names_a_team(client, world):
    zhao = client.get(
        "/v1/team/averages",
        params={"period_start": "2026-11-01", "period_end": "2026-11-30"},
        headers=login(client, "zhao"),
    ).json()
    assert zhao["mine"] is None and zhao["managers"] == 2
    root = client.get(
        "/v1/team/averages",
        params={"period_start": "2026-11-01", "period_end": "2026-11-30", "team_id": world.team_b},
        headers=login(client, "root"),
    ).json()
    assert root["managers"] == 1
    assert (
        client.get(
            "/v1/team/averages",
            params={"period_start": "2026-11-01", "period_end": "2026-11-30"},
            headers=login(client, "root"),
        ).status_code
        == 404
    )
