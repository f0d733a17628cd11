from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase

from kamdesk.app import build_sections, create_application
from kamdesk.config import load_settings
from kamdesk.ui.main_window import MainWindow
from kamdesk.ui.portfolio_model import ACCOUNT_ID_ROLE, Column, PortfolioTableModel

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qtbot, demo_store):
    create_application(load_settings(["--lang", "en"], {}))
    main = MainWindow(demo_store, build_sections(demo_store), demo=True)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    view = main.show_section("portfolio")
    qtbot.waitUntil(lambda: not view.model.loading and not view.model.counting, timeout=20000)
    return main


def test_main_window_opens_on_the_portfolio(window) -> None:
    view = window.sections["portfolio"]
    assert window.navigation.count() == len(window.declared)
    assert view.model.rowCount() == 60
    assert view.count_label.text() == "60 accounts"
    assert "Demo portfolio" in window.mode_label.text()
    assert window.pending_label.text() == "0 changes waiting to sync"


def test_search_filters_rows(window, qtbot) -> None:
    view = window.sections["portfolio"]
    first_name = view.model.data(view.model.index(0, Column.NAME))
    for character in first_name:  # an input method commits Chinese text character by character
        view.search.insert(character)
    qtbot.waitUntil(lambda: view.model.rowCount() < 60)
    names = [view.model.data(view.model.index(row, Column.NAME)) for row in range(view.model.rowCount())]
    assert names and all(first_name in name for name in names)
    view.search.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 60)


def test_search_by_code(window, qtbot) -> None:
    view = window.sections["portfolio"]
    code = view.model.data(view.model.index(5, Column.CODE))
    view.search.setText(code)
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.apply_search()
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, Column.CODE)) == code


def test_clicking_a_header_sorts_in_sql(window, qtbot) -> None:
    view = window.sections["portfolio"]
    with qtbot.waitSignal(view.model.loaded, timeout=20000):
        view.table.sortByColumn(Column.CODE, Qt.SortOrder.DescendingOrder)
    codes = [view.model.data(view.model.index(row, Column.CODE)) for row in range(view.model.rowCount())]
    assert codes == sorted(codes, reverse=True)


def test_window_renders_chinese_with_the_bundled_font(qtbot, demo_store, tmp_path: Path) -> None:
    app = create_application(load_settings(["--lang", "zh_CN"], {}))
    from kamdesk.i18n import set_language

    set_language("zh_CN")
    main = MainWindow(demo_store, build_sections(demo_store), demo=True)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    view = main.show_section("portfolio")
    qtbot.waitUntil(lambda: not view.model.loading and not view.model.counting, timeout=20000)
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    assert app.font().family() == "WenQuanYi Micro Hei"
    assert main.sections["portfolio"].count_label.text() == "共 60 家客户"
    assert main.windowTitle() == "kamdesk — 客户经理工作台"
    assert main.grab().save(str(tmp_path / "main.png"))


def test_table_model_contract(qtbot, qtmodeltester, demo_store) -> None:
    model = PortfolioTableModel(demo_store.sessions)
    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.refresh()
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0), ACCOUNT_ID_ROLE)


def test_model_fetches_pages_lazily(qtbot, store) -> None:
    from kamdesk.domain import demo
    from kamdesk.ui import portfolio_model

    with store.sessions.begin() as session:
        demo.generate(session, portfolio_model.PAGE_SIZE + 30)
    model = PortfolioTableModel(store.sessions)
    with qtbot.waitSignal(model.counted, timeout=30000):
        model.refresh()  # the first page arrives first, the total right after it
    assert model.rowCount() == portfolio_model.PAGE_SIZE and model.total == portfolio_model.PAGE_SIZE + 30
    assert model.canFetchMore(model.index(-1, -1))
    with qtbot.waitSignal(model.rowsInserted, timeout=20000):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == model.total
    assert not model.canFetchMore(model.index(-1, -1))


def test_when_built_waits_for_every_section_it_joins(qtbot, demo_store) -> None:
    from PySide6.QtWidgets import QLabel

    from kamdesk.ui.main_window import Section

    built: list[str] = []

    def section(key: str) -> Section:
        return Section(key, key, lambda: built.append(key) or QLabel(key))

    main = MainWindow(demo_store, [section("first"), section("second"), section("third")], demo=True)
    qtbot.addWidget(main)
    joined: list[tuple[str, str]] = []
    main.when_built(("second", "third"), lambda a, b: joined.append((a.text(), b.text())))
    main.when_built("first", lambda first: joined.append((first.text(), "")))
    assert built == ["first"] and joined == [("first", "")]
    main.show_section("third")
    assert joined == [("first", "")]
    main.section("second")
    assert joined == [("first", ""), ("second", "third")]
    main.section("second")
    assert built == ["first", "third", "second"] and len(joined) == 2
    with pytest.raises(KeyError):
        main.when_built("fourth", lambda _w: None)
