"""kamdesk-server: the central FastAPI service, its auth, scope rules and admin CLI."""
