"""Ingest and concurrency figures of kamdesk-server on PostgreSQL, over real HTTP on loopback.

    python bench/server_ingest.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                  [--workers 2] [--ingest-batches 40] [--devices 200] [--rounds 5]
                                  [--think 5] [--saturation-rounds 3]

Creates a private schema, migrates it, seeds teams, 200 managers and their accounts, starts
``kamdesk-server serve`` (uvicorn) on a free loopback port, then measures:
1. ingest: records/s for pushes of 500 records (contacts and submitted visits), from 4
   concurrent pushers;
2. 200 simulated devices at once, each syncing ``--rounds`` times (push 20 records, then pull
   until done) with ``--think`` seconds (±50 %) between its syncs and a random start within the
   first pause: p50/p99 request latency and error count. A desktop client syncs every few
   minutes and after a submit; 200 devices every 5 s is already ~60 times denser than that;
3. saturation: the same 200 devices in a closed loop (no pause), which shows the server's
   capacity in requests/s and the queueing latency when every device fires at once.
The schema is dropped at the end. Targets (issue 7): >= 10,000 records/s, no errors, p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamdesk.models import Account, Contact, new_id  # noqa: E402
from kamdesk.models.enums import Industry, Role, Tier  # noqa: E402
from kamdesk.server import admin  # noqa: E402
from kamdesk.server.changelog import ChangeRecorder  # noqa: E402
from kamdesk.server.db import Database, create_server_engine  # noqa: E402
from kamdesk.server.migrate import upgrade  # noqa: E402
from kamdesk.server.security import Passwords  # noqa: E402

PASSWORD = "bench-密码-2026"
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
            "fields": [{"key": "topic", "type": "text", "label": "回访主题", "required": True}],
        }
    ],
}
MOMENT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC).isoformat()


def seed(database: Database, devices: int, accounts_per_manager: int, tmp: Path) -> dict[str, list[str]]:
    """Teams of 20 managers, each with accounts and one contact per account."""
    passwords = Passwords(time_cost=1, memory_kib=8 * 1024)
    portfolio: dict[str, list[str]] = {}
    with database.begin(write=True) as session:
        recorder = ChangeRecorder(session, None)
        for t in range((devices + 19) // 20):
            admin.create_team(session, recorder, f"政企客户{t + 1}部")
        session.flush()
        for n in range(devices):
            user = admin.create_user(
                session,
                recorder,
                passwords,
                username=f"mgr{n:03d}",
                display_name=f"经理{n:03d}",
                role=Role.MANAGER,
                password=PASSWORD,
                team_name=f"政企客户{n // 20 + 1}部",
            )
            ids = []
            for a in range(accounts_per_manager):
                account = Account(
                    id=new_id(),
                    code=f"HN73{n:03d}{a:04d}",
                    name=f"长沙测试集团{n}-{a}有限公司",
                    tier=Tier.B1,
                    industry=Industry.ENTERPRISE,
                    primary_manager_id=user.id,
                )
                recorder.created(account)
                session.add(account)
                contact = Contact(id=new_id(), account_id=account.id, name="张喆")
                recorder.created(contact)
                session.add(contact)
                ids.append(account.id)
            portfolio[f"mgr{n:03d}"] = ids
        (tmp / "template.json").write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
        admin.publish_template(session, recorder, tmp / "template.json")
        session.flush()
        recorder.flush()
    return portfolio


def records(account_ids: list[str], count: int, owner_id: str) -> list[dict]:
    """Half new contacts, half submitted on-site visits, spread over the manager's accounts,
    as the desktop client sends them (owner set, so the server has nothing to fill in)."""
    changes = []
    for n in range(count):
        account_id = account_ids[n % len(account_ids)]
        if n % 2:
            fields = {
                "account_id": account_id,
                "name": f"联系人{n}",
                "mobile": f"138{n:08d}"[:11],
                "decision_role": "influencer",
                "owner_id": owner_id,
            }
            changes.append({"entity": "contacts", "id": str(uuid.uuid4()), "op": "insert", "fields": fields})
        else:
            fields = {
                "account_id": account_id,
                "kind": "onsite",
                "status": "submitted",
                "occurred_at": MOMENT,
                "submitted_at": MOMENT,
                "template_key": "onsite_return_visit",
                "template_version": 1,
                "answers": {"topic": "专线扩容需求回访"},
                "summary": "客户对专线质量满意，提出扩容需求",
                "owner_id": owner_id,
            }
            changes.append({"entity": "visits", "id": str(uuid.uuid4()), "op": "insert", "fields": fields})
    return changes


async def login(http: aiohttp.ClientSession, username: str) -> tuple[dict[str, str], str]:
    """The device's headers and the user's id."""
    payload = {"username": username, "password": PASSWORD, "device_name": "bench"}
    async with http.post("/v1/auth/login", json=payload) as response:
        response.raise_for_status()
        body = await response.json()
        return {"Authorization": f"Bearer {body['token']}"}, body["user"]["id"]


def _client(base: str) -> aiohttp.ClientSession:
    """aiohttp rather than httpx here: with hundreds of concurrent connections httpx's pool
    costs the load generator more CPU than the server it measures (same two cores)."""
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    return aiohttp.ClientSession(base, connector=connector, timeout=aiohttp.ClientTimeout(total=120))


async def ingest(base: str, portfolio: dict[str, list[str]], batches: int, pushers: int) -> tuple[float, int]:
    users = list(portfolio)[:pushers]
    async with _client(base) as http:
        tokens = [await login(http, u) for u in users]
        bodies = [
            [
                json.dumps(
                    {"batch_id": str(uuid.uuid4()), "changes": records(portfolio[u], 500, user_id)}
                ).encode()
                for _ in range(batches // pushers)
            ]
            for u, (_, user_id) in zip(users, tokens, strict=True)
        ]
        errors = 0

        async def run(headers: dict[str, str], mine: list[bytes]) -> int:
            nonlocal errors
            applied = 0
            for body in mine:
                async with http.post(
                    "/v1/sync/push", data=body, headers={**headers, "Content-Type": "application/json"}
                ) as response:
                    if response.status != 200:
                        errors += 1
                        continue
                    results = (await response.json())["results"]
                applied += sum(r["status"] == "applied" for r in results)
                errors += sum(r["status"] != "applied" for r in results)
            return applied

        started = time.perf_counter()
        applied = sum(await asyncio.gather(*(run(t, b) for (t, _), b in zip(tokens, bodies, strict=True))))
        elapsed = time.perf_counter() - started
    return applied / elapsed, errors


async def devices(
    base: str, portfolio: dict[str, list[str]], rounds: int, think: float
) -> tuple[list[float], int, int]:
    """Every device syncs ``rounds`` times (push 20, then pull until done), pausing ``think`` s
    (±50 %) between syncs and starting at a random moment of the first pause; ``think=0`` is a
    closed loop, each device firing its next request as soon as the last one is answered."""
    rng = random.Random(7)
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()
    async with _client(base) as http:
        tokens = {}
        for username in portfolio:
            tokens[username] = await login(http, username)

        async def timed(method: str, url: str, **kw: Any) -> Any:
            nonlocal errors
            started = time.perf_counter()
            try:
                async with http.request(method, url, **kw) as response:
                    body = await response.read()
            except aiohttp.ClientError as error:
                errors += 1
                kinds[type(error).__name__] += 1
                return None
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors += 1
                kinds[f"{response.status} {body[:80]!r}"] += 1
                return None
            return json.loads(body)

        async def device(username: str) -> None:
            nonlocal errors
            (headers, user_id), cursor = tokens[username], 0
            await asyncio.sleep(rng.uniform(0, think))
            for round_number in range(rounds):
                if round_number:
                    await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
                body = {"batch_id": str(uuid.uuid4()), "changes": records(portfolio[username], 20, user_id)}
                pushed = await timed("POST", "/v1/sync/push", json=body, headers=headers)
                if pushed is not None:
                    for result in pushed["results"]:
                        if result["status"] != "applied":
                            errors += 1
                            kinds[f"{result['status']} {result.get('reason')}"] += 1
                while True:
                    page = await timed(
                        "GET", "/v1/sync/pull", params={"since": cursor, "limit": 500}, headers=headers
                    )
                    if page is None:
                        break
                    cursor = page["next_cursor"]
                    if not page["has_more"]:
                        break

        started = time.perf_counter()
        await asyncio.gather(*(device(u) for u in portfolio))
        elapsed = time.perf_counter() - started
    if kinds:
        print("device errors:", dict(kinds))
    return latencies, errors, int(len(latencies) / elapsed)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ingest-batches", type=int, default=40)
    parser.add_argument("--pushers", type=int, default=4)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--think", type=float, default=5.0, help="seconds between a device's syncs")
    parser.add_argument("--saturation-rounds", type=int, default=3)
    parser.add_argument("--accounts-per-manager", type=int, default=5)
    args = parser.parse_args()

    schema = f"kamdesk_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_server_engine(args.database_url)
    with admin_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    server = None
    try:
        engine = create_server_engine(url_text)
        upgrade(engine)
        database = Database(engine)
        tmp = Path(os.environ.get("TMPDIR", "/tmp")) / schema
        tmp.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        portfolio = seed(database, args.devices, args.accounts_per_manager, tmp)
        database.dispose()
        print(
            f"seeded {args.devices} managers, {args.devices * args.accounts_per_manager} accounts "
            f"in {time.perf_counter() - started:.1f} s"
        )
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "KAMDESK_SERVER_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            "KAMDESK_SERVER_POOL_SIZE": "20",
            "KAMDESK_SERVER_MAX_OVERFLOW": "10",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kamdesk.server.cli",
                "--database-url",
                url_text,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-migrate",
                "--workers",
                str(args.workers),
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        rate, ingest_errors = asyncio.run(ingest(base, portfolio, args.ingest_batches, args.pushers))
        print(
            f"ingest: {rate:,.0f} records/s in batches of 500 "
            f"({args.ingest_batches} batches, {args.pushers} concurrent pushers, "
            f"{args.workers} uvicorn workers), errors {ingest_errors}"
        )
        for rounds, think, label in (
            (args.rounds, args.think, f"syncing every {args.think:g} s"),
            (args.saturation_rounds, 0.0, "closed loop (saturation)"),
        ):
            latencies, errors, rps = asyncio.run(devices(base, portfolio, rounds, think))
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            print(
                f"{args.devices} devices x {rounds} syncs (push 20 + pull), {label}: "
                f"{len(latencies)} requests, {rps} req/s, p50 {statistics.median(latencies):.0f} ms, "
                f"p99 {p99:.0f} ms, max {latencies[-1]:.0f} ms, errors {errors}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with admin_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


if __name__ == "__main__":
    main()
