from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamdesk.domain.reports import ReportScope, scope_of
from kamdesk.store.database import Store
from tests.reports_dataset import ME, open_handbuilt


@pytest.fixture
def handbuilt(tmp_path) -> Iterator[Store]:
    opened = open_handbuilt(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def scope(handbuilt) -> ReportScope:
    with handbuilt.sessions() as session:
        return scope_of(session, ME)
