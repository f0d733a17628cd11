"""Scope: a manager reads and writes only their accounts; supervisors their team; admins all."""

import uuid
from datetime import date

from sqlalchemy import select

from kamdesk.models import Account, Contact, Task
from kamdesk.server import admin
from kamdesk.server.changelog import ChangeRecorder
from tests.server.conftest import login
from tests.server.helpers import change, pull_all, push, submitted_visit


def _ids(rows, entity):
    return {r["id"] for r in rows if r["entity"] == entity}


def test_managers_pull_only_their_accounts_and_what_hangs_off_them(client, world):
    rows_a, _ = pull_all(client, login(client, "liming"))
    assert _ids(rows_a, "accounts") == {world.account_a}
    assert _ids(rows_a, "contacts") == {world.contact_a}
    assert len(_ids(rows_a, "form_templates")) == 1
    # Team members and the team are visible (names for reports), other teams are not.
    assert _ids(rows_a, "teams") == {world.team_a}
    assert world.manager_c not in _ids(rows_a, "users")
    rows_c, _ = pull_all(client, login(client, "chengang"))
    assert _ids(rows_c, "accounts") == {world.account_c}
    assert _ids(rows_c, "contacts") == set()


def test_a_supervisor_pulls_the_team_and_an_admin_everything(client, world):
    rows, _ = pull_all(client, login(client, "zhao"))
    assert _ids(rows, "accounts") == {world.account_a, world.account_b}
    rows, _ = pull_all(client, login(client, "root"))
    assert _ids(rows, "accounts") == {world.account_a, world.account_b, world.account_c}


def test_manager_a_cannot_write_manager_b_rows_through_any_change(client, world, database):
    headers = login(client, "liming")
    other = world.account_b
    hostile = [
        change("accounts", "patch", other, 1, name="被篡改"),
        change("accounts", "insert", other, code="HN7319X", name="抢占", tier="C", industry="finance"),
        change("contacts", "patch", world.contact_b, 1, mobile="13800000000"),
        change("contacts", "insert", account_id=other, name="混入"),
        change("contacts", "patch", world.contact_a, 1, account_id=other),  # move my row to B's account
        change("visits", "insert", **submitted_visit(other)),
        change(
            "complaints",
            "insert",
            account_id=other,
            raised_at="2026-11-23T02:00:00+00:00",
            summary="x",
            answer_due_at="2026-11-25T02:00:00+00:00",
        ),
        change("opportunities", "insert", account_id=other, raised_on="2026-11-23", title="x"),
        change("competitor_notes", "insert", account_id=other, noted_on="2026-11-23", competitor="中国电信"),
        change(
            "product_holdings",
            "insert",
            account_id=other,
            product_code="P",
            product_name="专线",
            category="data_line",
        ),
        change("accounts", "patch", world.account_a, 1, secondary_manager_id=world.manager_b),
        change("revenue_months", "insert", account_id=world.account_a, month="2026-10-01", amount_fen=100),
        change("cadence_rules", "insert", tier="A1", visit_kind="onsite", visits=9, period="month"),
        change("users", "patch", world.manager_b, 1, display_name="x"),
    ]
    results = push(client, headers, *hostile).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(hostile), results
    with database.begin() as session:
        assert session.get(Account, other).name == "湖南昇辉机械制造有限公司"
        assert session.get(Contact, world.contact_b).mobile is None
        assert session.get(Contact, world.contact_a).account_id == world.account_a
        assert session.scalars(select(Contact).where(Contact.account_id == other)).all() != []
        assert len(session.scalars(select(Contact).where(Contact.account_id == other)).all()) == 1


def test_manager_a_cannot_read_b_through_team_averages_of_another_team(client, world):
    response = client.get(
        "/v1/team/averages",
        params={"period_start": "2026-11-01", "period_end": "2026-11-30", "team_id": world.team_b},
        headers=login(client, "liming"),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_rows_pushed_by_b_never_reach_a(client, world):
    b = login(client, "wangfang")
    pushed = push(
        client,
        b,
        change("contacts", "insert", account_id=world.account_b, name="秘密联系人"),
        change("visits", "insert", **submitted_visit(world.account_b, kind="onsite")),
        change("reports", "insert", kind="weekly", period_start="2026-11-16", period_end="2026-11-22"),
    )
    assert {r["status"] for r in pushed.json()["results"]} == {"applied"}
    rows, _ = pull_all(client, login(client, "liming"))
    assert not {r["id"] for r in rows} & {r["id"] for r in pushed.json()["results"]}
    supervisor_rows, _ = pull_all(client, login(client, "zhao"))
    assert {r["id"] for r in pushed.json()["results"]} <= {r["id"] for r in supervisor_rows}


def test_reports_are_only_their_authors(client, world):
    report_id = str(uuid.uuid4())
    push(
        client,
        login(client, "wangfang"),
        change(
            "reports", "insert", report_id, kind="weekly", period_start="2026-11-16", period_end="2026-11-22"
        ),
    )
    result = push(
        client, login(client, "liming"), change("reports", "patch", report_id, 1, narrative={"x": 1})
    )
    assert result.json()["results"][0]["status"] == "rejected"


def test_reassignment_tells_the_old_manager_and_hands_everything_to_the_new(
    client, world, database, tmp_path
):
    a, b = login(client, "liming"), login(client, "wangfang")
    push(client, a, change("visits", "insert", **submitted_visit(world.account_a)))
    _, cursor_a = pull_all(client, a)
    _, cursor_b = pull_all(client, b)
    sheet = tmp_path / "reassign.csv"
    sheet.write_text(
        "code,name,tier,industry,primary_manager,secondary_manager\n"
        "HN731900001,长沙市芙蓉区人民政府办公室,A2,government,wangfang,\n",
        encoding="utf-8",
    )
    with database.begin(write=True) as session:
        recorder = ChangeRecorder(session, None)
        report = admin.import_portfolio(session, recorder, sheet)
        session.flush()
        recorder.flush()
    assert report.updated == 1
    rows_a, _ = pull_all(client, a, cursor_a)
    account_rows = [r for r in rows_a if r["entity"] == "accounts"]
    assert [r["id"] for r in account_rows] == [world.account_a]
    assert account_rows[0]["row"]["primary_manager_id"] == world.manager_b  # the client archives it
    assert not [r for r in rows_a if r["entity"] in ("contacts", "visits")]
    rows_b, _ = pull_all(client, b, cursor_b)
    assert world.account_a in _ids(rows_b, "accounts")
    assert world.contact_a in _ids(rows_b, "contacts")
    assert len(_ids(rows_b, "visits")) == 1
    # From now on the old manager cannot write to it.
    result = push(client, a, change("contacts", "insert", account_id=world.account_a, name="迟到"))
    assert result.json()["results"][0]["status"] == "rejected"


def test_tasks_reach_their_assignee(client, world, database):
    with database.begin(write=True) as session:
        recorder = ChangeRecorder(session, None)
        task = admin.assign_task(
            session,
            recorder,
            assignee="chengang",
            title="核实欠费原因",
            account_code="HN731900001",
            due_on=date(2026, 11, 30),
            assigner="zhao",
        )
        session.flush()
        recorder.flush()
        task_id = task.id
    rows_c, _ = pull_all(client, login(client, "chengang"))
    assert task_id in _ids(rows_c, "tasks")
    assert world.account_a not in _ids(rows_c, "accounts")
    done = push(
        client,
        login(client, "chengang"),
        change("tasks", "patch", task_id, 1, status="done", outcome="已缴清"),
    )
    assert done.json()["results"][0]["status"] == "applied"
    assert (
        push(client, login(client, "wangfang"), change("tasks", "patch", task_id, 2, outcome="x")).json()[
            "results"
        ][0]["status"]
        == "rejected"
    )
    with database.begin() as session:
        assert session.get(Task, task_id).outcome == "已缴清"


def test_a_supervisor_assigns_accounts_within_the_team_only(client, world):
    zhao = login(client, "zhao")
    inside = push(
        client, zhao, change("accounts", "patch", world.account_a, 1, secondary_manager_id=world.manager_b)
    )
    assert inside.json()["results"][0]["status"] == "applied"
    outside = push(
        client, zhao, change("accounts", "patch", world.account_b, 1, primary_manager_id=world.manager_c)
    )
    assert outside.json()["results"][0]["status"] == "rejected"
    rows_b, _ = pull_all(client, login(client, "wangfang"))
    assert world.account_a in _ids(rows_b, "accounts")
