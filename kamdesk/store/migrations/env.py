"""Alembic environment for the local store; run programmatically by kamdesk.store.migrate or by
the ``alembic`` CLI (``alembic.ini`` at the repository root, URL from ``KAMDESK_DB_URL``)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from kamdesk.models import Base, LocalBase
from kamdesk.models.base import render_item

config = context.config
target_metadata = [Base.metadata, LocalBase.metadata]


OPTIONS = {"target_metadata": target_metadata, "render_as_batch": True, "render_item": render_item}


def run_migrations_offline() -> None:
    context.configure(
        url=os.environ.get("KAMDESK_DB_URL", "sqlite://"),
        literal_binds=True,
        **OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = os.environ.get("KAMDESK_DB_URL")
    if not url:
        raise SystemExit("set KAMDESK_DB_URL to the store, e.g. sqlite:////path/to/kamdesk.sqlite3")
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
