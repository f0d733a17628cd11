"""Sync: the wire protocol shared with the server, the sync client and change application."""
