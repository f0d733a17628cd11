"""kamdesk: the field key-account manager's desktop workbench."""

__version__ = "0.1.0"
