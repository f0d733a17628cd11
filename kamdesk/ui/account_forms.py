"""Form helpers for the account detail: fields with an inline (red) validation message under
them, and the contact editor dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kamdesk.domain import account_editing
from kamdesk.domain.account_detail import ContactInfo
from kamdesk.domain.account_editing import ContactEdit, ValidationError
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import _
from kamdesk.models.enums import DecisionRole

ERROR_STYLE = "color: #c62828;"
INVALID_STYLE = "border: 1px solid #c62828;"


class FieldErrors:
    """Inline messages for a set of named fields: ``show({"name": "…"})`` marks and explains."""

    def __init__(self) -> None:
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}

    def wrap(self, key: str, widget: QWidget, parent: QWidget) -> QWidget:
        holder = QWidget(parent)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        message = QLabel(holder)
        message.setStyleSheet(ERROR_STYLE)
        message.setWordWrap(True)
        message.hide()
        layout.addWidget(widget)
        layout.addWidget(message)
        self.fields[key] = widget
        self.labels[key] = message
        return holder

    def show(self, errors: dict[str, str]) -> None:
        for key, message in self.labels.items():
            text = errors.get(key)
            message.setText(text or "")
            message.setVisible(bool(text))
            self.fields[key].setStyleSheet(INVALID_STYLE if text else "")

    def message(self, key: str) -> str:
        label_widget = self.labels[key]
        return label_widget.text() if not label_widget.isHidden() else ""


def parse_date(text: str) -> date | None:
    """'' → None; a date as 2024-03-15 or 2024/3/15; raises ValueError otherwise."""
    text = text.strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


DATE_HINT = "2024-03-15"


class ContactDialog(QDialog):
    """Add or edit one contact; the dialog stays open with inline messages until the input is valid."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        account_id: str,
        contact: ContactInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.account_id = account_id
        self.contact = contact
        self.saved_id: str | None = None
        self.setWindowTitle(_("Edit contact") if contact else _("New contact"))
        self.errors = FieldErrors()
        self.name = QLineEdit(contact.name if contact else "", self)
        self.role = QComboBox(self)
        for role in DecisionRole:
            self.role.addItem(label(role), role.value)
        if contact:
            self.role.setCurrentIndex(self.role.findData(contact.decision_role.value))
        self.title_edit = QLineEdit((contact.title or "") if contact else "", self)
        self.department = QLineEdit((contact.department or "") if contact else "", self)
        self.mobile = QLineEdit((contact.mobile or "") if contact else "", self)
        self.phone = QLineEdit((contact.phone or "") if contact else "", self)
        self.email = QLineEdit((contact.email or "") if contact else "", self)
        self.birthday = QLineEdit(contact.birthday.isoformat() if contact and contact.birthday else "", self)
        self.birthday.setPlaceholderText(DATE_HINT)
        self.notes = QPlainTextEdit((contact.notes or "") if contact else "", self)
        self.notes.setFixedHeight(60)
        form = QFormLayout()
        for key, text, widget in (
            ("name", _("Name"), self.name),
            ("decision_role", _("Decision role"), self.role),
            ("title", _("Job title"), self.title_edit),
            ("department", _("Department"), self.department),
            ("mobile", _("Mobile"), self.mobile),
            ("phone", _("Office phone"), self.phone),
            ("email", _("E-mail"), self.email),
            ("birthday", _("Birthday"), self.birthday),
            ("notes", _("Notes"), self.notes),
        ):
            form.addRow(text, self.errors.wrap(key, widget, self))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def edit(self) -> ContactEdit | None:
        try:
            birthday = parse_date(self.birthday.text())
        except ValueError:
            self.errors.show({"birthday": _("Enter a date such as {example}.").format(example=DATE_HINT)})
            return None
        return ContactEdit(
            name=self.name.text(),
            decision_role=DecisionRole(self.role.currentData()),
            title=self.title_edit.text(),
            department=self.department.text(),
            mobile=self.mobile.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            birthday=birthday,
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        edit = self.edit()
        if edit is None:
            return False
        try:
            with self.sessions.begin() as session:
                self.saved_id = account_editing.save_contact(
                    session, self.account_id, self.contact.id if self.contact else None, edit
                )
        except ValidationError as invalid:
            self.errors.show(invalid.errors)
            return False
        self.errors.show({})
        self.accept()
        return True
