"""Server test fixtures: a migrated database on SQLite (default) or PostgreSQL.

``KAMDESK_TEST_DATABASE_URL`` picks the backend. On PostgreSQL the suite migrates a private
schema once and empties every table before each test (the tests need real commits: concurrent
pushes and a real uvicorn see each other's work); on SQLite each test gets a copy of a migrated file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kamdesk.models import Base
from kamdesk.models.enums import Role
from kamdesk.server import admin
from kamdesk.server.app import create_app
from kamdesk.server.changelog import ChangeRecorder
from kamdesk.server.db import Database, create_server_engine
from kamdesk.server.migrate import upgrade
from kamdesk.server.security import Passwords
from kamdesk.server.settings import ServerSettings
from kamdesk.server.tables import CHANGE_SEQ, ServerBase

TEST_URL_ENV = "KAMDESK_TEST_DATABASE_URL"
PASSWORD = "长沙-Secret-2026"
TEMPLATE = {
    "schema": 1,
    "key": "onsite_return_visit",
    "version": 1,
    "name": "大客户上门回访表",
    "visit_kind": "onsite",
    "sections": [
        {
            "key": "basic",
            "title": "基本情况",
            "fields": [
                {"key": "topic", "type": "text", "label": "回访主题", "required": True},
                {"key": "has_complaint", "type": "yesno", "label": "客户是否提出投诉", "required": True},
                {
                    "key": "complaint",
                    "type": "long_text",
                    "label": "投诉内容",
                    "required": True,
                    "show_if": {"field": "has_complaint", "equals": True},
                    "record": "complaint",
                },
            ],
        }
    ],
}


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for the session: a template SQLite file, or a private PG schema."""
    configured = os.environ.get(TEST_URL_ENV)
    if configured and _is_postgres(configured):
        schema = f"kamdesk_server_test_{uuid.uuid4().hex[:10]}"
        admin_engine = create_server_engine(configured)
        with admin_engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(configured).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        engine = create_server_engine(rendered)
        upgrade(engine)
        engine.dispose()
        yield rendered
        with admin_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()
        return
    template = tmp_path_factory.mktemp("server-db") / "template.sqlite3"
    engine = create_server_engine(f"sqlite:///{template}")
    upgrade(engine)
    engine.dispose()
    yield f"sqlite:///{template}"


@pytest.fixture
def database(database_url: str, tmp_path: Path) -> Iterator[Database]:
    if _is_postgres(database_url):
        engine = create_server_engine(database_url)
        tables = [t.name for t in (*Base.metadata.sorted_tables, *ServerBase.metadata.sorted_tables)]
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            connection.execute(text(f"INSERT INTO server_counters (name, value) VALUES ('{CHANGE_SEQ}', 0)"))
    else:
        path = tmp_path / "server.sqlite3"
        shutil.copy(make_url(database_url).database or "", path)
        engine = create_server_engine(f"sqlite:///{path}")
    db = Database(engine)
    yield db
    db.dispose()


@pytest.fixture
def live_database_url(database: Database) -> str:
    """The URL of this test's own database (the per-test SQLite copy, or the PG schema)."""
    return database.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def settings(database_url: str) -> ServerSettings:
    return ServerSettings(
        database_url=database_url,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        login_max_failures_per_user=5,
        login_max_failures_per_address=30,
    )


@dataclass
class World:
    """Two teams: 长沙一部 (supervisor 赵主管, managers 李明 and 王芳) and 株洲二部 (manager 陈刚)."""

    team_a: str
    team_b: str
    supervisor: str
    manager_a: str
    manager_b: str
    manager_c: str
    admin: str
    account_a: str
    account_b: str
    account_c: str
    contact_a: str
    contact_b: str


@pytest.fixture
def world(database: Database, settings: ServerSettings, tmp_path: Path) -> World:
    import json

    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    with database.begin(write=True) as session:
        recorder = ChangeRecorder(session, None)
        team_a = admin.create_team(session, recorder, "长沙政企客户一部", "长沙市")
        team_b = admin.create_team(session, recorder, "株洲政企客户二部", "株洲市")
        users = {}
        for username, name, role, team in (
            ("zhao", "赵主管", Role.SUPERVISOR, team_a.name),
            ("liming", "李明", Role.MANAGER, team_a.name),
            ("wangfang", "王芳", Role.MANAGER, team_a.name),
            ("chengang", "陈刚", Role.MANAGER, team_b.name),
            ("root", "系统管理员", Role.ADMIN, None),
        ):
            users[username] = admin.create_user(
                session,
                recorder,
                passwords,
                username=username,
                display_name=name,
                role=role,
                password=PASSWORD,
                team_name=team,
            )
        session.flush()
        sheet = tmp_path / "portfolio.csv"
        sheet.write_text(
            "客户编码,客户名称,等级,行业,市,区县,主客户经理,副客户经理\n"
            "HN731900001,长沙市芙蓉区人民政府办公室,A2,党政军,长沙市,芙蓉区,liming,\n"
            "HN731900002,湖南昇辉机械制造有限公司,B1,企业,长沙市,望城区,wangfang,\n"
            "HN733100003,株洲市中心医院,A1,科教文卫,株洲市,天元区,chengang,\n",
            encoding="utf-8",
        )
        report = admin.import_portfolio(session, recorder, sheet)
        assert report.created == 3 and not report.errors
        template = tmp_path / "template.json"
        template.write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
        admin.publish_template(session, recorder, template)
        session.flush()
        from sqlalchemy import select

        from kamdesk.models import Account, Contact, new_id

        accounts = {a.code: a.id for a in session.scalars(select(Account))}
        contacts = []
        for code, name in (("HN731900001", "张喆"), ("HN731900002", "刘璟")):
            contact = Contact(id=new_id(), account_id=accounts[code], name=name, title="办公室主任")
            recorder.created(contact)
            session.add(contact)
            contacts.append(contact.id)
        session.flush()
        recorder.flush()
        return World(
            team_a=team_a.id,
            team_b=team_b.id,
            supervisor=users["zhao"].id,
            manager_a=users["liming"].id,
            manager_b=users["wangfang"].id,
            manager_c=users["chengang"].id,
            admin=users["root"].id,
            account_a=accounts["HN731900001"],
            account_b=accounts["HN731900002"],
            account_c=accounts["HN733100003"],
            contact_a=contacts[0],
            contact_b=contacts[1],
        )


@pytest.fixture
def app(settings: ServerSettings, database: Database):
    return create_app(settings, database)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(
        "/v1/auth/login", json={"username": username, "password": password, "device_name": "ThinkPad X1"}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
