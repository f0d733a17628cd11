from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from kamdesk.domain import account_index, portfolio
from kamdesk.domain.importing import apply_rows, guess_mapping, read_table, validate, write_error_report
from kamdesk.domain.importing.reading import UnreadableFileError
from kamdesk.models import Account, Contact, OutboxEntry
from kamdesk.models.enums import AccountStatus, Industry, Tier

HEADERS = [
    "客户编码",
    "客户名称",
    "客户等级",
    "行业",
    "地市",
    "区县",
    "入网时间",
    "员工人数",
    "联系人",
    "联系电话",
]
GOOD = [
    [
        "HN0001",
        "中国移动通信集团湖南有限公司",
        "A1",
        "企业",
        "长沙市",
        "岳麓区",
        "2019-03-15",
        "1200",
        "张喆",
        "13807310001",
    ],
    [
        "HN0002",
        "长沙市芙蓉区人民政府办公室",
        "a2",
        "党政军",
        "长沙市",
        "芙蓉区",
        "2020/7/1",
        "85",
        "王堃",
        "0731-84561234",
    ],
    ["HN0003", "湖南昇辉机械制造有限公司", "B1类", "", "株洲市", "天元区", "2021年5月8日", "1,300", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str, headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2026年11月 集团客户清单"])  # a title row above the headers, as billing exports have
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run_import(store, path: Path):
    table = read_table(path)
    mapping = guess_mapping(table.headers)
    validation = validate(table, mapping)
    with store.sessions.begin() as session:
        result = apply_rows(session, validation.drafts, user_id=store.user_id)
    return table, validation, result


def accounts(store) -> dict[str, Account]:
    with store.sessions() as session:
        return {a.code: a for a in session.scalars(select(Account))}


def outbox_count(store) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_imports_chinese_exactly(store, tmp_path, encoding) -> None:
    path = write_csv(tmp_path / f"portfolio-{encoding}.csv", GOOD, encoding)
    table, validation, result = run_import(store, path)
    assert table.encoding == ("gb18030" if encoding == "gbk" else encoding)
    assert validation.errors == []
    assert (result.created, result.updated) == (3, 0)
    stored = accounts(store)
    assert stored["HN0001"].name == "中国移动通信集团湖南有限公司"
    assert stored["HN0002"].tier is Tier.A2 and stored["HN0002"].industry is Industry.GOVERNMENT
    assert stored["HN0002"].customer_since == date(2020, 7, 1)
    assert stored["HN0003"].employee_count == 1300 and stored["HN0003"].industry is Industry.ENTERPRISE
    assert stored["HN0003"].customer_since == date(2021, 5, 8)
    with store.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.name == "张喆")).one()
        assert contact.mobile == "13807310001" and contact.account_id == stored["HN0001"].id
        # the search index follows the import: pinyin initials and the contact's phone find it
        assert portfolio.search_matches(session, "zgyd") == [stored["HN0001"].id]
        assert portfolio.search_matches(session, "84561234") == [stored["HN0002"].id]


def test_xlsx_with_title_rows_and_real_dates(store, tmp_path) -> None:
    rows = [[*GOOD[0][:6], datetime(2019, 3, 15), 1200, "张喆", 13807310001], GOOD[1]]
    table, validation, result = run_import(store, write_xlsx(tmp_path / "p.xlsx", rows))
    assert table.first_data_row == 4
    assert validation.errors == [] and result.created == 2
    stored = accounts(store)["HN0001"]
    assert stored.customer_since == date(2019, 3, 15) and stored.employee_count == 1200


def test_every_kind_of_bad_row_is_reported_with_its_row_number(store, tmp_path, chinese) -> None:
    bad = [
        GOOD[0],
        ["HN0010", "", "A1", "企业", "", "", "", "", "", ""],  # missing name
        ["HN0011", "湖南星城物流有限公司", "D", "企业", "", "", "", "", "", ""],  # unknown tier
        ["HN0012", "湖南星城食品有限公司", "B2", "企业", "", "", "", "约300人", "", ""],  # bad number
        ["HN0001", "重复编码的客户", "C", "企业", "", "", "", "", "", ""],  # duplicate code
        ["HN0013", "湖南洞庭建材有限公司", "C", "企业", "", "", "2021-02-30", "", "", ""],  # bad date
        ["", "没有编码的客户", "C", "企业", "", "", "", "", "", ""],  # missing code
        ["HN0014", "湖南衡岳医药有限公司", "C", "餐饮", "", "", "", "", "", ""],  # unknown industry
    ]
    path = write_csv(tmp_path / "bad.csv", bad, "gbk")
    table = read_table(path)
    validation = validate(table, guess_mapping(table.headers))
    assert [d.row_number for d in validation.drafts] == [2]
    found = {(e.row_number, e.field): e.message for e in validation.errors}
    assert found == {
        (3, "name"): "客户名称为空。",
        (4, "tier"): "未知的客户等级“D”，请填写 A1、A2、B1、B2 或 C。",
        (5, "employee_count"): "“约300人”不是整数。",
        (6, "code"): "编码重复：本文件第 2 行已使用相同编码。",
        (7, "customer_since"): "“2021-02-30”不是日期，请按 2024-03-15 的格式填写。",
        (8, "code"): "客户编码为空。",
        (9, "industry"): "未知的行业“餐饮”，请填写 党政军、金融、企业、科教文卫 或 公共事业。",
    }
    report = write_error_report(tmp_path / "errors.xlsx", table, validation)
    workbook = load_workbook(report)
    problems, rejected = workbook.worksheets
    assert [c.value for c in problems[1]] == ["行号", "列", "内容", "问题"]
    assert problems.max_row == 1 + 7
    assert [c.value for c in rejected[1]] == [*HEADERS, "问题"]
    assert rejected["B4"].value == "湖南星城食品有限公司" and "不是整数" in rejected["K4"].value
    # the rejected rows can be fixed and re-imported with the same mapping
    assert guess_mapping([c.value for c in rejected[1]])["code"] == 0


def test_reimport_updates_by_code_and_creates_no_duplicates(store, tmp_path) -> None:
    path = write_csv(tmp_path / "p.csv", GOOD, "utf-8-sig")
    run_import(store, path)
    entries = outbox_count(store)
    _, _, again = run_import(store, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert outbox_count(store) == entries  # nothing changed, nothing to sync
    assert len(accounts(store)) == 3
    changed = [[*GOOD[0][:2], "A2", *GOOD[0][3:]], *GOOD[1:]]
    changed[0][7] = ""  # an empty cell keeps the stored value
    _, _, third = run_import(store, write_csv(tmp_path / "p2.csv", changed, "utf-8"))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    stored = accounts(store)
    assert len(stored) == 3 and stored["HN0001"].tier is Tier.A2 and stored["HN0001"].employee_count == 1200
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 2
        assert portfolio.count(session, portfolio.PortfolioQuery(tiers=frozenset({Tier.A2}))) == 2


def test_an_exception_part_way_leaves_the_store_unchanged(store, tmp_path) -> None:
    run_import(store, write_csv(tmp_path / "first.csv", GOOD[:1], "utf-8"))
    before_accounts, before_entries = len(accounts(store)), outbox_count(store)
    rows = [
        [f"HN1{n:04d}", f"湖南星城软件有限公司{n}", "C", "企业", "", "", "", "", "", ""] for n in range(50)
    ]
    rows[0] = [GOOD[0][0], "改名后的客户", "A2", *GOOD[0][3:]]  # an update that must be rolled back too
    table = read_table(write_csv(tmp_path / "big.csv", rows, "utf-8"))
    validation = validate(table, guess_mapping(table.headers))

    def crash(done: int, total: int) -> None:
        if done == 30:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError), store.sessions.begin() as session:
        apply_rows(session, validation.drafts, user_id=store.user_id, progress=crash)
    assert len(accounts(store)) == before_accounts and outbox_count(store) == before_entries
    assert accounts(store)["HN0001"].name == "中国移动通信集团湖南有限公司"
    with store.sessions() as session:
        assert portfolio.count(session, portfolio.PortfolioQuery()) == before_accounts


def test_every_written_row_has_its_outbox_entry(store, tmp_path) -> None:
    run_import(store, write_csv(tmp_path / "p.csv", GOOD, "utf-8"))
    with store.sessions() as session:
        inserts = session.execute(select(OutboxEntry.entity, func.count()).group_by(OutboxEntry.entity)).all()
    assert dict(inserts) == {"accounts": 3, "contacts": 2}
    assert all(a.status is AccountStatus.ACTIVE for a in accounts(store).values())


def test_unreadable_files_are_refused_in_words(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xff\xfe\x00\xd8garbage\x81")
    with pytest.raises(UnreadableFileError):
        read_table(path)
    with pytest.raises(UnreadableFileError):
        read_table(tmp_path / "p.docx")


def test_index_is_built_for_a_fresh_store(store) -> None:
    with store.sessions.begin() as session:
        assert account_index.ensure(session) is True
        assert account_index.ensure(session) is False
