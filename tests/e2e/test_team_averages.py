"""The report builder's team figure comes from the real server and stays known offline."""

from __future__ import annotations

from kamdesk.domain.clock import business_today
from kamdesk.domain.reports.periods import week_of
from kamdesk.sync.team import ServerTeamAverages
from tests.e2e.conftest import Device
from tests.e2e.live_server import LiveServer
from tests.e2e.test_sync import _record_offline_work


def test_team_average_from_the_server_then_from_memory_offline(
    server: LiveServer, devices: list[Device]
) -> None:
    device = devices[0]
    device.sync()
    _record_offline_work(device)  # one submitted phone visit this week by 李明
    device.sync()
    source = ServerTeamAverages(device.store, device.tokens)
    period = week_of(business_today())

    with device.store.sessions() as session:
        online = source.averages(session, period)
    assert online is not None
    assert online.managers == 2  # 李明 and 张伟
    assert online.phone == 0.5 and online.onsite == 0

    server.stop()
    with device.store.sessions() as session:
        offline = source.averages(session, period)
        assert offline == online
        assert source.averages(session, week_of(period.start.replace(year=period.start.year - 1))) is None


def test_no_team_figure_before_signing_in(demo_store) -> None:
    from kamdesk.sync.credentials import TokenStore

    source = ServerTeamAverages(demo_store, TokenStore(demo_store.path.parent))
    with demo_store.sessions() as session:
        assert source.averages(session, week_of(business_today())) is None
