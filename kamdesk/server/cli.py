"""``kamdesk-server``: database set-up, administration and serving.

Every command reads ``KAMDESK_SERVER_DATABASE_URL`` (or ``--database-url``); the default is an
SQLite file in the user's data folder, so ``kamdesk-server serve`` works with no set-up.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from kamdesk.models.enums import CadencePeriod, Role, Tier, VisitKind
from kamdesk.server import admin
from kamdesk.server.auth import revoke_device
from kamdesk.server.changelog import ChangeRecorder
from kamdesk.server.db import Database, create_server_engine
from kamdesk.server.security import Passwords
from kamdesk.server.settings import ServerSettings


def _settings(args: argparse.Namespace) -> ServerSettings:
    settings = ServerSettings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    return settings


def _database(settings: ServerSettings, *, migrate: bool = True) -> Database:
    from kamdesk.server.migrate import upgrade

    engine = create_server_engine(settings.resolved_database_url())
    if migrate:
        upgrade(engine)
    return Database(engine)


@contextmanager
def _admin_session(args: argparse.Namespace) -> Any:
    """One transaction for one admin command, with its change recorder flushed before commit."""
    settings = _settings(args)
    database = _database(settings)
    try:
        with database.begin(write=True) as session:
            recorder = ChangeRecorder(session, None)
            yield session, recorder, settings
            session.flush()
            recorder.flush()
    finally:
        database.dispose()


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_migrate(args: argparse.Namespace) -> None:
    from kamdesk.server.migrate import current_revision, upgrade

    settings = _settings(args)
    engine = create_server_engine(settings.resolved_database_url())
    try:
        before = upgrade(engine)
        _print(
            {
                "database": engine.url.render_as_string(hide_password=True),
                "from": before,
                "to": current_revision(engine),
            }
        )
    finally:
        engine.dispose()


def cmd_create_team(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        team = admin.create_team(session, recorder, args.name, args.region)
        _print({"team": team.id, "name": team.name})


def cmd_create_user(args: argparse.Namespace) -> None:
    password = args.password or os.environ.get("KAMDESK_SERVER_NEW_PASSWORD")
    if not password:
        password = getpass.getpass(f"password for {args.username}: ")
    if len(password) < 8:
        raise admin.AdminError("a password has at least 8 characters")
    with _admin_session(args) as (session, recorder, settings):
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        user = admin.create_user(
            session,
            recorder,
            passwords,
            username=args.username,
            display_name=args.display_name,
            role=Role(args.role),
            password=password,
            team_name=args.team,
        )
        _print({"user": user.id, "username": user.username, "role": str(user.role)})


def _report(report: admin.ImportReport) -> None:
    _print(
        {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": report.errors,
        }
    )


def cmd_import_portfolio(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        _report(admin.import_portfolio(session, recorder, Path(args.file)))


def cmd_import_billing(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        _report(admin.import_billing(session, recorder, Path(args.file)))


def cmd_publish_template(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        template = admin.publish_template(session, recorder, Path(args.file))
        _print({"template": template.template_key, "version": template.version, "id": template.id})


def cmd_set_cadence(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        rule = admin.set_cadence(
            session,
            recorder,
            tier=Tier(args.tier),
            visit_kind=VisitKind(args.kind),
            visits=args.visits,
            period=CadencePeriod(args.period),
            team_name=args.team,
        )
        _print(
            {
                "rule": rule.id,
                "tier": str(rule.tier),
                "kind": str(rule.visit_kind),
                "visits": rule.visits,
                "period": str(rule.period),
            }
        )


def cmd_assign_task(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, recorder, _):
        task = admin.assign_task(
            session,
            recorder,
            assignee=args.assignee,
            title=args.title,
            account_code=args.account,
            due_on=date.fromisoformat(args.due) if args.due else None,
            description=args.description,
            assigner=args.assigner,
        )
        _print({"task": task.id, "title": task.title})


def cmd_devices(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, _recorder, _):
        _print([d.__dict__ for d in admin.list_devices(session, args.user)])


def cmd_revoke(args: argparse.Namespace) -> None:
    with _admin_session(args) as (session, _recorder, _):
        if not revoke_device(session, args.device_id):
            raise admin.AdminError(f"no active device {args.device_id}")
        _print({"revoked": args.device_id})


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from kamdesk.server.app import create_app
    from kamdesk.server.logs import configure_logging

    settings = _settings(args)
    configure_logging(settings.log_level)
    database = _database(settings, migrate=not args.no_migrate)
    options: dict[str, Any] = {
        "host": args.host or settings.host,
        "port": args.port or settings.port,
        "log_config": None,
        "access_log": False,
        "proxy_headers": args.proxy_headers,
    }
    if args.workers > 1:
        # Worker processes build their own app from the environment.
        database.dispose()
        os.environ["KAMDESK_SERVER_DATABASE_URL"] = settings.resolved_database_url()
        uvicorn.run("kamdesk.server.app:app_from_environment", factory=True, workers=args.workers, **options)
        return
    uvicorn.run(create_app(settings, database), **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kamdesk-server", description=__doc__)
    parser.add_argument("--database-url", help="overrides KAMDESK_SERVER_DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], None], text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    add("migrate", cmd_migrate, "create or upgrade the database schema")
    add("init", cmd_migrate, "same as migrate")
    sub = add("create-team", cmd_create_team, "create a team")
    sub.add_argument("name")
    sub.add_argument("--region")
    sub = add("create-user", cmd_create_user, "create a user with a password")
    sub.add_argument("username")
    sub.add_argument("--display-name", required=True)
    sub.add_argument("--role", choices=[r.value for r in Role], default=Role.MANAGER.value)
    sub.add_argument("--team")
    sub.add_argument("--password", help="else KAMDESK_SERVER_NEW_PASSWORD, else asked")
    sub = add(
        "import-portfolio", cmd_import_portfolio, "create/update accounts and their managers from XLSX/CSV"
    )
    sub.add_argument("file")
    sub = add("import-billing", cmd_import_billing, "import monthly billed revenue (XLSX/CSV, yuan)")
    sub.add_argument("file")
    sub = add("publish-template", cmd_publish_template, "publish a visit-form template version (JSON)")
    sub.add_argument("file")
    sub = add("set-cadence", cmd_set_cadence, "set the visit cadence for a tier and kind")
    sub.add_argument("--tier", choices=[t.value for t in Tier], required=True)
    sub.add_argument("--kind", choices=[k.value for k in VisitKind], required=True)
    sub.add_argument("--visits", type=int, required=True)
    sub.add_argument("--period", choices=[p.value for p in CadencePeriod], required=True)
    sub.add_argument("--team", help="team name; default rule when omitted")
    sub = add("assign-task", cmd_assign_task, "assign a task to a user")
    sub.add_argument("--assignee", required=True)
    sub.add_argument("--title", required=True)
    sub.add_argument("--account", help="account code")
    sub.add_argument("--due", help="YYYY-MM-DD")
    sub.add_argument("--description")
    sub.add_argument("--assigner", help="username of the assigner")
    sub = add("devices", cmd_devices, "list signed-in devices")
    sub.add_argument("--user")
    sub = add("revoke-device", cmd_revoke, "revoke a device token")
    sub.add_argument("device_id")
    sub = add("serve", cmd_serve, "run the API server (uvicorn)")
    sub.add_argument("--host")
    sub.add_argument("--port", type=int)
    sub.add_argument("--no-migrate", action="store_true", help="do not upgrade the schema at start")
    sub.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-For from a proxy")
    sub.add_argument(
        "--workers", type=int, default=1, help="worker processes (stateless; share the database)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except admin.AdminError as error:
        print(f"kamdesk-server: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
