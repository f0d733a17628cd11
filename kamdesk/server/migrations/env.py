"""Alembic environment of the server database: the shared tables and the server-only ones."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from kamdesk.models import Base
from kamdesk.models.base import render_item
from kamdesk.server.tables import ServerBase

config = context.config
target_metadata = [Base.metadata, ServerBase.metadata]


OPTIONS = {"target_metadata": target_metadata, "render_as_batch": True, "render_item": render_item}


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("KAMDESK_SERVER_DATABASE_URL")
    if not url:
        raise SystemExit("set KAMDESK_SERVER_DATABASE_URL")
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
