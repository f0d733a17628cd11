"""Sync: wire protocol shared with the server, the sync engine, applying pulled changes."""
