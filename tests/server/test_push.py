"""Pushing: idempotent batches, merges, conflicts, rejections, single-author records."""

import threading
import uuid

from sqlalchemy import func, select

from kamdesk.models import Contact, Visit
from kamdesk.server import push as pushing
from kamdesk.server.auth import authenticate
from kamdesk.server.tables import ChangeLogEntry, ProcessedBatch
from kamdesk.sync.protocol import PushRequest
from tests.server.conftest import login
from tests.server.helpers import change, pull_all, push, submitted_visit


def _contact_count(database) -> int:
    with database.begin() as session:
        return session.scalar(select(func.count()).select_from(Contact))


def test_a_repeated_batch_applies_once_and_returns_the_first_result(client, world, database):
    headers = login(client, "liming")
    batch_id = str(uuid.uuid4())
    changes = [change("contacts", "insert", account_id=world.account_a, name=f"联系人{n}") for n in range(3)]
    before = _contact_count(database)
    first = push(client, headers, *changes, batch_id=batch_id)
    assert first.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 3
    second = push(client, headers, *changes, batch_id=batch_id)
    assert second.json()["results"] == first.json()["results"]
    assert second.json()["replayed"] is True
    assert _contact_count(database) == before + 3
    # Even a different payload under the same batch id changes nothing.
    third = push(
        client, headers, change("contacts", "insert", account_id=world.account_a, name="x"), batch_id=batch_id
    )
    assert third.json()["results"] == first.json()["results"]
    assert _contact_count(database) == before + 3


def test_concurrent_pushes_of_one_batch_apply_once(client, world, database):
    login(client, "liming")
    with database.begin() as session:
        token_device = session.scalars(select(ProcessedBatch)).all()
        assert token_device == []
    headers = login(client, "liming")
    with database.begin() as session:
        caller = authenticate(session, headers["Authorization"].split()[1])
    request = PushRequest(
        batch_id=str(uuid.uuid4()),
        changes=[
            change("contacts", "insert", account_id=world.account_a, name=f"并发{n}") for n in range(50)
        ],
    )
    before = _contact_count(database)
    with database.begin() as session:
        log_before = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    barrier = threading.Barrier(6)
    responses, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            responses.append(pushing.push(database, caller, request))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(responses) == 6
    assert len({tuple(r.model_dump_json(exclude={"replayed"})) for r in responses}) == 1
    assert sum(not r.replayed for r in responses) == 1
    assert _contact_count(database) == before + 50
    with database.begin() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == log_before + 50
        assert session.scalar(select(func.count()).select_from(ProcessedBatch)) == 1


def test_batch_id_of_another_user_is_refused(client, world):
    batch_id = str(uuid.uuid4())
    push(client, login(client, "liming"), batch_id=batch_id)
    other = push(client, login(client, "wangfang"), batch_id=batch_id)
    assert other.status_code == 409
    assert other.json()["code"] == "batch_id_taken"


def _contact_rev(client, headers, contact_id):
    rows, _ = pull_all(client, headers)
    return next(r for r in rows if r["id"] == contact_id)


def test_edits_of_different_fields_merge(client, world):
    mine, supervisor = login(client, "liming"), login(client, "zhao")
    base = _contact_rev(client, mine, world.contact_a)["rev"]
    first = push(client, supervisor, change("contacts", "patch", world.contact_a, base, mobile="13807310001"))
    assert first.json()["results"][0]["status"] == "applied"
    second = push(client, mine, change("contacts", "patch", world.contact_a, base, title="办公室副主任"))
    result = second.json()["results"][0]
    assert result["status"] == "merged"
    assert result["rev"] == base + 2
    assert result["row"]["mobile"] == "13807310001"
    assert result["row"]["title"] == "办公室副主任"


def test_edits_of_the_same_field_conflict_and_return_the_server_version(client, world):
    mine, supervisor = login(client, "liming"), login(client, "zhao")
    base = _contact_rev(client, mine, world.contact_a)["rev"]
    push(client, supervisor, change("contacts", "patch", world.contact_a, base, mobile="13807310001"))
    response = push(
        client,
        mine,
        change("contacts", "patch", world.contact_a, base, mobile="13907319999", notes="喜欢围棋"),
    )
    result = response.json()["results"][0]
    assert result["status"] == "conflict"
    assert result["conflicts"] == ["mobile"]
    assert result["row"]["mobile"] == "13807310001"  # the server's value stands
    assert result["row"]["notes"] == "喜欢围棋"  # the untouched field was merged
    # Keep mine: a new patch against the server's rev applies.
    keep = push(
        client, mine, change("contacts", "patch", world.contact_a, result["rev"], mobile="13907319999")
    )
    assert keep.json()["results"][0]["status"] == "applied"


def test_same_value_on_both_sides_is_not_a_conflict(client, world):
    mine, supervisor = login(client, "liming"), login(client, "zhao")
    base = _contact_rev(client, mine, world.contact_a)["rev"]
    push(client, supervisor, change("contacts", "patch", world.contact_a, base, mobile="13807310001"))
    result = push(
        client, mine, change("contacts", "patch", world.contact_a, base, mobile="13807310001")
    ).json()
    assert result["results"][0]["status"] == "merged"


def test_account_fields_merge_per_field(client, world):
    mine, supervisor = login(client, "liming"), login(client, "zhao")
    rows, _ = pull_all(client, mine)
    base = next(r for r in rows if r["id"] == world.account_a)["rev"]
    push(
        client,
        supervisor,
        change("accounts", "patch", world.account_a, base, address="长沙市芙蓉区五一大道1号"),
    )
    result = push(client, mine, change("accounts", "patch", world.account_a, base, employee_count=320)).json()
    assert result["results"][0]["status"] == "merged"
    conflict = push(
        client, mine, change("accounts", "patch", world.account_a, base, address="八一路2号")
    ).json()
    assert conflict["results"][0]["status"] == "conflict"


def test_visits_never_conflict_and_are_immutable_once_submitted(client, world, database):
    headers = login(client, "liming")
    visit_id = str(uuid.uuid4())
    draft = submitted_visit(world.account_a, status="draft", submitted_at=None)
    assert (
        push(client, headers, change("visits", "insert", visit_id, **draft)).json()["results"][0]["status"]
        == "applied"
    )
    # Two stale edits of the draft: last writer wins, no conflict.
    for summary in ("初稿", "二稿"):
        result = push(client, headers, change("visits", "patch", visit_id, 0, summary=summary)).json()[
            "results"
        ][0]
        assert result["status"] in ("applied", "merged")
    submit = submitted_visit(world.account_a)
    result = push(client, headers, change("visits", "patch", visit_id, 0, **submit)).json()["results"][0]
    assert result["status"] in ("applied", "merged"), result
    late = push(client, headers, change("visits", "patch", visit_id, 0, summary="改过")).json()["results"][0]
    assert late["status"] == "rejected"
    assert late["reason"]["code"] == "immutable"
    with database.begin() as session:
        assert session.get(Visit, visit_id).summary == submit["summary"]


def test_invalid_changes_are_rejected_with_reasons_and_the_rest_applies(client, world, database):
    headers = login(client, "liming")
    good = change("contacts", "insert", account_id=world.account_a, name="黄晓明")
    cases = {
        "unknown_entity": change("gadgets", "insert", name="x"),
        "unknown_field": change("contacts", "insert", account_id=world.account_a, name="x", shoe_size=42),
        "invalid": change("contacts", "insert", account_id=world.account_a, name="x", decision_role="boss"),
        "too_long": change("contacts", "insert", account_id=world.account_a, name="长" * 61),
        "required": change("contacts", "insert", account_id=world.account_a),
        "not_found": change("contacts", "patch", str(uuid.uuid4()), 1, name="x"),
        "unknown_template": change(
            "visits", "insert", **submitted_visit(world.account_a, template_key="nope", template_version=9)
        ),
        "invalid_answer": change(
            "visits", "insert", **submitted_visit(world.account_a, answers={"has_complaint": False})
        ),
        "forbidden": change("form_templates", "insert", template_key="x", version=1, name="x", definition={}),
        "bad_base_rev": change("contacts", "patch", world.contact_a, 99, name="x"),
    }
    cases["invalid_date"] = change("visits", "insert", **submitted_visit(world.account_a, occurred_at="昨天"))
    response = push(client, headers, good, *cases.values())
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["status"] == "applied"
    for (expected, _), result in zip(cases.items(), results[1:], strict=True):
        assert result["status"] == "rejected", (expected, result)
        code = "invalid" if expected == "invalid_date" else expected
        assert result["reason"]["code"] == code, (expected, result)
        assert result["reason"]["message"]
    assert results[4]["reason"]["field"] == "name"


def test_a_database_refusal_rejects_only_that_change(client, world, database):
    """A duplicate account code passes the Python checks but the unique index refuses it."""
    headers = login(client, "liming")
    duplicate = change(
        "accounts", "insert", code="HN731900002", name="重复编码", tier="B2", industry="enterprise"
    )
    fine = change("contacts", "insert", account_id=world.account_a, name="孙俪")
    results = push(client, headers, duplicate, fine).json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["reason"]["code"] == "constraint"
    assert results[1]["status"] == "applied"


def test_an_insert_already_stored_is_not_duplicated(client, world, database):
    headers = login(client, "liming")
    row = change("contacts", "insert", account_id=world.account_a, name="钱锺书")
    push(client, headers, row)
    again = push(client, headers, row).json()["results"][0]
    assert again["status"] in ("applied", "merged")
    with database.begin() as session:
        assert session.scalar(select(func.count()).select_from(Contact).where(Contact.id == row["id"])) == 1


def test_owner_and_revision_are_set_by_the_server(client, world, database):
    headers = login(client, "liming")
    row = change(
        "contacts", "insert", account_id=world.account_a, name="吴磊", owner_id=world.manager_b, rev=77
    )
    result = push(client, headers, row).json()["results"][0]
    assert result["rev"] == 1
    with database.begin() as session:
        assert session.get(Contact, row["id"]).owner_id == world.manager_a


def test_a_visit_may_name_a_contact_created_in_the_same_batch_but_not_another_accounts(
    client, world, database, tmp_path
):
    import json

    from kamdesk.server import admin
    from kamdesk.server.changelog import ChangeRecorder

    template = {
        "schema": 1,
        "key": "onsite_return_visit",
        "version": 2,
        "name": "大客户上门回访表",
        "visit_kind": "onsite",
        "sections": [
            {
                "key": "basic",
                "title": "基本情况",
                "fields": [{"key": "met", "type": "contact", "label": "接待人", "required": True}],
            }
        ],
    }
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    with database.begin(write=True) as session:
        recorder = ChangeRecorder(session, None)
        admin.publish_template(session, recorder, path)
        session.flush()
        recorder.flush()
    headers = login(client, "liming")
    new_contact = change("contacts", "insert", account_id=world.account_a, name="周昇", title="信息中心主任")
    welcomed = change(
        "visits",
        "insert",
        **submitted_visit(world.account_a, template_version=2, answers={"met": new_contact["id"]}),
    )
    stranger = change(
        "visits",
        "insert",
        **submitted_visit(world.account_a, template_version=2, answers={"met": world.contact_b}),
    )
    results = push(client, headers, new_contact, welcomed, stranger).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"]["code"] == "invalid_answer"
    assert results[2]["reason"]["field"] == "answers.met"
