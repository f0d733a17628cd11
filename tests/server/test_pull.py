"""Pulling: pages, cursors, tombstones, rows listed once in their current state."""

import uuid

import pytest

from tests.server.conftest import login
from tests.server.helpers import change, pull_all, push


def test_pages_follow_the_cursor_without_gaps_or_repeats(client, world):
    headers = login(client, "liming")
    _, cursor = pull_all(client, headers)
    pushed = [change("contacts", "insert", account_id=world.account_a, name=f"联系人{n}") for n in range(7)]
    push(client, headers, *pushed)
    seen, pages = [], 0
    while True:
        page = client.get("/v1/sync/pull", params={"since": cursor, "limit": 3}, headers=headers).json()
        pages += 1
        seen.extend(r["id"] for r in page["changes"])
        assert all(r["seq"] > cursor for r in page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [c["id"] for c in pushed]
    assert pages == 3


def test_a_row_changed_twice_is_sent_once_in_its_current_state_and_tombstones_travel(client, world):
    headers = login(client, "liming")
    _, cursor = pull_all(client, headers)
    row_id = str(uuid.uuid4())
    push(client, headers, change("contacts", "insert", row_id, account_id=world.account_a, name="谢娜"))
    push(client, headers, change("contacts", "patch", row_id, 1, mobile="13600000000"))
    push(client, headers, change("contacts", "patch", row_id, 2, deleted=True))
    rows, _ = pull_all(client, headers, cursor)
    assert [r["id"] for r in rows] == [row_id]
    assert rows[0]["rev"] == 3
    assert rows[0]["row"]["deleted"] is True
    assert rows[0]["row"]["mobile"] == "13600000000"


def test_the_cursor_skips_changes_the_caller_cannot_see(client, world):
    a, c = login(client, "liming"), login(client, "chengang")
    _, cursor = pull_all(client, a)
    push(
        client, c, *[change("contacts", "insert", account_id=world.account_c, name="外人") for _ in range(5)]
    )
    page = client.get("/v1/sync/pull", params={"since": cursor}, headers=a).json()
    assert page["changes"] == [] and page["has_more"] is False
    assert page["next_cursor"] > cursor


def test_insert_then_patch_in_one_batch(client, world, database):
    headers = login(client, "liming")
    row_id = str(uuid.uuid4())
    results = push(
        client,
        headers,
        change("contacts", "insert", row_id, account_id=world.account_a, name="何炅"),
        change("contacts", "patch", row_id, 1, title="总经理"),
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert results[1]["rev"] == 2
    rows, _ = pull_all(client, headers)
    assert next(r for r in rows if r["id"] == row_id)["row"]["title"] == "总经理"


def test_a_device_does_not_pull_back_what_it_pushed_as_sent_but_its_other_devices_do(client, world):
    laptop, desktop = login(client, "liming"), login(client, "liming")
    _, laptop_cursor = pull_all(client, laptop)
    _, desktop_cursor = pull_all(client, desktop)
    as_sent = change("contacts", "insert", account_id=world.account_a, name="罗昇", owner_id=world.manager_a)
    filled_in = change("contacts", "insert", account_id=world.account_a, name="孙璟")  # no owner_id
    edited = change("contacts", "patch", world.contact_a, 1, title="党组书记")
    results = push(client, laptop, as_sent, filled_in, edited).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied"]

    laptop_rows, _ = pull_all(client, laptop, laptop_cursor)
    assert [r["id"] for r in laptop_rows] == [filled_in["id"]]
    assert laptop_rows[0]["row"]["owner_id"] == world.manager_a
    desktop_rows, _ = pull_all(client, desktop, desktop_cursor)
    assert {r["id"] for r in desktop_rows} == {as_sent["id"], filled_in["id"], world.contact_a}


def test_a_merged_push_and_later_changes_by_others_come_back_to_the_sender(client, world):
    liming, supervisor = login(client, "liming"), login(client, "zhao")
    _, cursor = pull_all(client, liming)
    push(client, supervisor, change("contacts", "patch", world.contact_a, 1, mobile="13900000001"))
    merged = push(client, liming, change("contacts", "patch", world.contact_a, 1, title="党组书记"))
    assert merged.json()["results"][0]["status"] == "merged"

    rows, cursor = pull_all(client, liming, cursor)
    assert [(r["id"], r["row"]["mobile"], r["row"]["title"]) for r in rows] == [
        (world.contact_a, "13900000001", "党组书记")
    ]
    push(client, liming, change("contacts", "patch", world.contact_a, 3, title="办公室主任"))
    push(client, supervisor, change("contacts", "patch", world.contact_a, 4, email="zz@hn.gov.cn"))
    rows, _ = pull_all(client, liming, cursor)
    assert [(r["rev"], r["row"]["title"], r["row"]["email"]) for r in rows] == [
        (5, "办公室主任", "zz@hn.gov.cn")
    ]


def test_a_change_that_commits_late_is_not_jumped_over_by_a_cursor(client, world, database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writers take turns: no change can commit behind a later one")
    from kamdesk.models import Contact, new_id
    from kamdesk.server.changelog import ChangeRecorder

    reader, writer = login(client, "liming"), login(client, "liming")
    _, cursor = pull_all(client, reader)
    slow = database.sessions()
    slow.begin()
    recorder = ChangeRecorder(slow, world.manager_a)
    late = Contact(id=new_id(), account_id=world.account_a, name="晚到的联系人")
    recorder.created(late)
    slow.add(late)
    slow.flush()
    recorder.flush()  # positioned before the push below, committed after it
    try:
        quick = change("contacts", "insert", account_id=world.account_a, name="先到的联系人")
        assert push(client, writer, quick).json()["results"][0]["status"] == "applied"
        early_rows, cursor = pull_all(client, reader, cursor)
        assert early_rows == []  # held back until the slower transaction settles
        slow.commit()
    finally:
        slow.close()
    rows, _ = pull_all(client, reader, cursor)
    assert [r["id"] for r in rows] == [late.id, quick["id"]]
