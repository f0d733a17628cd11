"""The server's Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kamdesk.models import Base
from kamdesk.server.migrate import current_revision, head_revision
from kamdesk.server.tables import ServerBase


def test_migrated_database_matches_the_models(database):
    assert current_revision(database.engine) == head_revision()
    with database.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), [Base.metadata, ServerBase.metadata]
        )
    assert differences == []
