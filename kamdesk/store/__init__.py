"""The local SQLite store: engine and sessions, migrations, and the outbox writer."""
