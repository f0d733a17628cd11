"""The Sync page and sign-in against a real kamdesk-server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamdesk.models import Contact
from kamdesk.store import outbox
from kamdesk.sync import account
from kamdesk.sync.credentials import TokenStore
from kamdesk.ui.sign_in_dialog import SignInDialog
from kamdesk.ui.sync_controller import SyncController
from kamdesk.ui.sync_view import SyncView
from tests.e2e.conftest import devices, seeded_server_db, server  # noqa: F401 (fixtures)
from tests.e2e.live_server import PASSWORD
from tests.e2e.test_sync import _record_offline_work

pytestmark = [pytest.mark.qt, pytest.mark.slow]


def _view(qtbot, device) -> tuple[SyncController, SyncView]:
    controller = SyncController(device.store, device.tokens)
    view = SyncView(controller)
    qtbot.addWidget(view)
    return controller, view


def _sync(qtbot, controller: SyncController) -> None:
    assert controller.sync_now()
    qtbot.waitUntil(lambda: not controller.running, timeout=60_000)


def test_sync_now_runs_off_the_gui_thread_and_reports(qtbot, devices) -> None:  # noqa: F811
    device = devices[0]
    controller, view = _view(qtbot, device)
    _sync(qtbot, controller)
    _record_offline_work(device)
    view.refresh()
    assert view.changes.rowCount() == 3
    assert view.changes.item(0, 2).text() == "Waiting to be sent at the next sync."
    _sync(qtbot, controller)
    view.refresh()
    status = controller.status()
    assert status.pending == 0 and status.online is True and status.message == "Synced"
    assert view.changes.rowCount() == 0
    assert "Signed in as 李明" in view.who.text()


def test_conflicts_view_takes_the_servers_version(qtbot, devices) -> None:  # noqa: F811
    first, second = devices
    first.sync()
    contact_id, _ = _record_offline_work(first)
    first.sync()
    second.sync()
    with first.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), notes="爱好羽毛球")
    with second.store.sessions.begin() as session:
        outbox.update(session, session.get(Contact, contact_id), notes="生日送花篮")
    first.sync()
    controller, view = _view(qtbot, second)
    _sync(qtbot, controller)
    assert view.conflict_list.count() == 1
    assert view.conflict_fields.item(0, 1).text() == "生日送花篮"
    assert view.conflict_fields.item(0, 2).text() == "爱好羽毛球"
    view.choose(0, "theirs")
    view.resolve_button.click()
    qtbot.waitUntil(lambda: not controller.running, timeout=60_000)
    assert view.conflict_list.count() == 0
    with second.store.sessions() as session:
        assert session.get(Contact, contact_id).notes == "爱好羽毛球"


def test_sign_in_dialog_signs_in_and_explains_a_wrong_password(qtbot, server, tmp_path: Path) -> None:  # noqa: F811
    tokens = TokenStore(tmp_path)

    def sign_in(url: str, username: str, password: str) -> account.SignedIn:
        return account.sign_in(tmp_path / "kamdesk.sqlite3", tmp_path / "b", tokens, url, username, password)

    dialog = SignInDialog(sign_in)
    qtbot.addWidget(dialog)
    dialog.server.setText(server.url)
    dialog.username.setText("liming")
    dialog.password.setText("wrong-password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=30_000)
    assert dialog.message.text() == "The user name or password is not right."
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.submit()
    assert dialog.result_user is not None and dialog.result_user.display_name == "李明"
    assert tokens.load(server.url, "liming")


def test_a_revoked_token_asks_to_sign_in_again(qtbot, server, devices) -> None:  # noqa: F811
    device = devices[0]
    controller, _view_widget = _view(qtbot, device)
    _sync(qtbot, controller)
    _record_offline_work(device)
    revoked = next(d for d in server.admin("devices") if d["revoked_at"] is None)
    server.admin("revoke-device", revoked["id"])
    with qtbot.waitSignal(controller.auth_lost, timeout=60_000) as signal:
        controller.sync_now()
    assert "sign in again" in signal.args[0]
    assert controller.status().pending == 3  # the local work stays
    assert not controller.timer.isActive()
