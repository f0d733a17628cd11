"""Business rules in plain Python (no Qt): functions take a Session and never commit."""
