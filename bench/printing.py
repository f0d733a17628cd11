"""Printing speed: ms per pre-visit sheet page, and a 30-visit day pack (targets: <50 ms a page,
day pack <2 s). Run from the worktree root: ``python bench/printing.py``. Prints figures only."""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from sqlalchemy import select

from kamdesk.domain import demo
from kamdesk.domain.clock import business_datetime
from kamdesk.domain.forms import parse_template
from kamdesk.i18n import set_language
from kamdesk.models import Account
from kamdesk.printing import sheets
from kamdesk.printing.data import day_pack_data, previsit_data
from kamdesk.printing.day_pack import build_day_pack
from kamdesk.printing.fonts import register_fonts
from kamdesk.printing.previsit import build_previsit_sheet
from kamdesk.store.database import open_store
from tests.unit.printing import seed

SHEETS = 20
PACK_VISITS = 30


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    set_language("zh_CN")
    folder = Path(tempfile.mkdtemp(prefix="kamdesk-bench-printing-"))
    store = open_store(folder / "bench.sqlite3", folder / "backups")
    with store.sessions.begin() as session:
        demo.generate(session, 300, today=seed.TODAY)
        seed.add_template(session, seed.small_template())
    store.close()
    store = open_store(folder / "bench.sqlite3", folder / "backups")
    with store.sessions() as session:
        account_ids = list(session.scalars(select(Account.id).order_by(Account.code).limit(PACK_VISITS)))
    with store.sessions.begin() as session:
        for index, account_id in enumerate(account_ids):
            planned = business_datetime(seed.TODAY, clock_time(8 + index // 4, (index % 4) * 15))
            seed.add_visit(
                session, account_id, planned=planned, template=seed.small_template(), owner_id=store.user_id
            )

    started = time.perf_counter()
    register_fonts()
    print(f"font registration (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    with store.sessions() as session:  # warm-up: first layout loads glyph metrics
        sheets.previsit_pdf(session, account_ids[0], today=seed.TODAY)

    per_page, cpu_per_page, gather_ms, layout_ms, page_counts = [], [], [], [], []
    for account_id in account_ids[:SHEETS]:
        c0, t0 = time.process_time(), time.perf_counter()
        with store.sessions() as session:
            data = previsit_data(session, account_id, today=seed.TODAY)
        t1 = time.perf_counter()
        pdf = build_previsit_sheet(data)
        c2, t2 = time.process_time(), time.perf_counter()
        count = pages(pdf)
        gather_ms.append((t1 - t0) * 1000)
        layout_ms.append((t2 - t1) * 1000)
        page_counts.append(count)
        per_page.append((t2 - t0) * 1000 / count)
        cpu_per_page.append((c2 - c0) * 1000 / count)
    print(
        f"pre-visit sheet ({SHEETS} accounts, {statistics.mean(page_counts):.1f} pages each): "
        f"{statistics.mean(per_page):.1f} ms/page mean wall ({statistics.mean(cpu_per_page):.1f} ms CPU), "
        f"{max(per_page):.1f} ms/page worst; "
        f"per sheet: gather {statistics.mean(gather_ms):.1f} ms + layout {statistics.mean(layout_ms):.1f} ms"
    )

    big = parse_template(seed.big_template(80))  # sheets print the form engine's parsed template
    with store.sessions() as session:
        data = previsit_data(session, account_ids[0], today=seed.TODAY)
    data = data.__class__(**{**data.__dict__, "template": big})
    t0 = time.perf_counter()
    pdf = build_previsit_sheet(data)
    elapsed = (time.perf_counter() - t0) * 1000
    print(f"pre-visit sheet with an 80-field form: {pages(pdf)} pages, {elapsed / pages(pdf):.1f} ms/page")

    runs = []
    for _ in range(3):
        c0, t0 = time.process_time(), time.perf_counter()
        with store.sessions() as session:
            pack = day_pack_data(session, seed.TODAY, user_id=store.user_id)
        t1 = time.perf_counter()
        pdf = build_day_pack(pack)
        c2, t2 = time.process_time(), time.perf_counter()
        runs.append((t2 - t0, t1 - t0, t2 - t1, c2 - c0))
    total, gather, layout, cpu = min(runs)
    print(
        f"day pack ({len(pack.entries)} visits, {pages(pdf)} pages, {len(pdf) / 1024:.0f} KiB): "
        f"{total:.2f} s wall best of 3 ({cpu:.2f} s CPU; gather {gather * 1000:.0f} ms + "
        f"layout {layout * 1000:.0f} ms), {total * 1000 / pages(pdf):.1f} ms/page"
    )
    print(
        f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs (figures above include waiting for a busy CPU)"
    )
    store.close()


if __name__ == "__main__":
    main()
