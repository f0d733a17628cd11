"""kamdesk-server: the department's system of record (FastAPI, SQLAlchemy, PostgreSQL or SQLite)."""
