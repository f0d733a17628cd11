"""Team averages for the report builder, from the server, remembered for offline use.

The server sees every manager's visits; the desktop store does not, so the figure comes from
``GET /v1/team/averages``. The last answer for a period is kept in ``sync_state``: a report
written offline still compares with the team figure fetched earlier, and with none if there
never was one (nothing is invented).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy.orm import Session

from kamdesk.domain.reports.periods import Period
from kamdesk.domain.reports.team import TeamAverages
from kamdesk.store import state
from kamdesk.store.database import Store
from kamdesk.sync import account
from kamdesk.sync.credentials import TokenStore
from kamdesk.sync.errors import SyncError

log = logging.getLogger("kamdesk.sync.team")
TIMEOUT_SECONDS = 5.0


def _key(period: Period) -> str:
    return f"team_averages:{period.start.isoformat()}:{period.end.isoformat()}"


class ServerTeamAverages:
    def __init__(self, store: Store, tokens: TokenStore) -> None:
        self.store = store
        self.tokens = tokens

    def averages(self, session: Session, period: Period) -> TeamAverages | None:
        try:
            fetched = self._fetch(period)
        except SyncError as error:
            log.info("team averages not fetched (%s); using the last known figure", error)
            cached = state.get(session, _key(period))
            return TeamAverages.from_json(json.loads(cached)) if cached else None
        with self.store.sessions.begin() as cache:
            state.put(cache, _key(period), json.dumps(fetched.to_json()))
        return fetched

    def _fetch(self, period: Period) -> TeamAverages:
        client = account.connect(self.store, self.tokens, timeout=TIMEOUT_SECONDS)
        try:
            answer = client.team_averages(period.start, period.end)
        finally:
            client.close()
        return TeamAverages(
            onsite=answer.average.onsite,
            phone=answer.average.phone,
            sms=answer.average.sms,
            managers=answer.managers,
            as_of=answer.computed_at,
        )
