"""The kamdesk-server admin CLI against the test database."""

import json

from openpyxl import Workbook
from sqlalchemy import select

from kamdesk.models import Account, CadenceRule, FormTemplate, RevenueMonth, Task, User
from kamdesk.server.cli import main
from kamdesk.server.tables import Device
from tests.server.conftest import TEMPLATE, login


def _run(live_database_url, *argv) -> int:
    return main(["--database-url", live_database_url, *argv])


def test_admin_cli_sets_up_a_department(database, live_database_url, tmp_path, capsys):
    assert _run(live_database_url, "migrate") == 0
    assert _run(live_database_url, "create-team", "长沙政企客户一部", "--region", "长沙市") == 0
    assert (
        _run(
            live_database_url,
            "create-user",
            "zhangwei",
            "--display-name",
            "张伟",
            "--team",
            "长沙政企客户一部",
            "--password",
            "初始密码-2026",
        )
        == 0
    )
    assert (
        _run(
            live_database_url, "create-user", "zhangwei", "--display-name", "张伟", "--password", "xxxxxxxxxx"
        )
        == 2
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["客户编码", "客户名称", "等级", "行业", "市", "区县", "主客户经理", "副客户经理"])
    sheet.append(["HN731900101", "长沙银行股份有限公司", "A1", "金融", "长沙市", "岳麓区", "zhangwei", None])
    sheet.append(["HN731900102", "坏行", "Z9", "金融", "长沙市", "岳麓区", "zhangwei", None])
    book.save(tmp_path / "portfolio.xlsx")
    capsys.readouterr()
    assert _run(live_database_url, "import-portfolio", str(tmp_path / "portfolio.xlsx")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 1 and len(report["errors"]) == 1 and "line 3" in report["errors"][0]
    (tmp_path / "billing.csv").write_text(
        '客户编码,月份,收入(元),欠费(元)\nHN731900101,2026-10,"52,300.50",0\n', encoding="utf-8"
    )
    assert _run(live_database_url, "import-billing", str(tmp_path / "billing.csv")) == 0
    (tmp_path / "template.json").write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
    assert _run(live_database_url, "publish-template", str(tmp_path / "template.json")) == 0
    assert (
        _run(live_database_url, "publish-template", str(tmp_path / "template.json")) == 2
    )  # versions are immutable
    assert (
        _run(
            live_database_url,
            "set-cadence",
            "--tier",
            "A1",
            "--kind",
            "onsite",
            "--visits",
            "2",
            "--period",
            "quarter",
            "--team",
            "长沙政企客户一部",
        )
        == 0
    )
    assert (
        _run(
            live_database_url,
            "assign-task",
            "--assignee",
            "zhangwei",
            "--title",
            "核实十月欠费",
            "--account",
            "HN731900101",
            "--due",
            "2026-11-30",
        )
        == 0
    )
    with database.begin() as session:
        account = session.scalar(select(Account).where(Account.code == "HN731900101"))
        manager = session.scalar(select(User).where(User.username == "zhangwei"))
        assert account.primary_manager_id == manager.id
        revenue = session.scalar(select(RevenueMonth))
        assert (revenue.amount_fen, str(revenue.month)) == (5_230_050, "2026-10-01")
        assert session.scalar(select(FormTemplate)).definition["name"] == "大客户上门回访表"
        assert session.scalar(select(CadenceRule)).visits == 2
        assert session.scalar(select(Task)).assignee_id == manager.id


def test_devices_are_listed_and_revoked(database, live_database_url, world, client, capsys):
    headers = login(client, "liming")
    capsys.readouterr()
    assert _run(live_database_url, "devices", "--user", "liming") == 0
    devices = json.loads(capsys.readouterr().out)
    assert len(devices) == 1 and devices[0]["revoked_at"] is None
    assert _run(live_database_url, "revoke-device", devices[0]["id"]) == 0
    assert _run(live_database_url, "revoke-device", devices[0]["id"]) == 2
    assert client.get("/v1/sync/pull", headers=headers).status_code == 401
    with database.begin() as session:
        assert session.scalar(select(Device)).revoked_at is not None
