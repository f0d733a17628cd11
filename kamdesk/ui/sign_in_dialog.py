"""Sign in to the department's server; the login runs off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kamdesk.i18n import _
from kamdesk.sync.account import SignedIn
from kamdesk.sync.errors import AuthenticationError, RefusedError, TransientError
from kamdesk.ui.tasks import run_in_background


def explain_login_error(error: BaseException) -> str:
    if isinstance(error, AuthenticationError):
        return _("The user name or password is not right.")
    if isinstance(error, TransientError) and error.status == 429:
        return _("Too many sign-in attempts. Wait a few minutes and try again.")
    if isinstance(error, TransientError):
        return _("Cannot reach the server. Check the address and your network, then try again.")
    if isinstance(error, RefusedError):
        return _("The server refused the sign-in: {message}").format(message=error.message)
    return _("Sign-in failed: {error}").format(error=error)


class SignInDialog(QDialog):
    def __init__(
        self,
        sign_in: Callable[[str, str, str], SignedIn],
        *,
        server_url: str = "",
        username: str = "",
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign in to the server"))
        self._sign_in = sign_in
        self.result_user: SignedIn | None = None

        self.server = QLineEdit(server_url, self)
        self.server.setPlaceholderText("https://kamdesk.example.cn")
        self.username = QLineEdit(username, self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(reason, self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")

        form = QFormLayout()
        form.addRow(_("Server address"), self.server)
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def submit(self) -> None:
        server, user, password = (
            self.server.text().strip(),
            self.username.text().strip(),
            self.password.text(),
        )
        if not server or not user or not password:
            self.message.setText(_("Fill in the server address, user name and password."))
            return
        if not server.startswith(("http://", "https://")):
            self.message.setText(_("The server address starts with https:// (or http:// on a test network)."))
            return
        self.buttons.setEnabled(False)
        self.message.setText(_("Signing in…"))
        run_in_background(lambda: self._sign_in(server, user, password), self._done, self._failed)

    def _done(self, user: SignedIn) -> None:
        self.result_user = user
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(explain_login_error(error))
