"""Signing this device in and out (no Qt): the token to the token store, who and where to the
store's ``sync_state``, and the real store created on first sign-in."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kamdesk.store import state
from kamdesk.store.database import Store, open_store
from kamdesk.sync.credentials import TokenStore
from kamdesk.sync.errors import AuthenticationError, SyncError

if TYPE_CHECKING:  # the client brings httpx, which the window does not need to start
    from kamdesk.sync.client import SyncClient

SERVER_URL = "server_url"
USERNAME = "username"
DEVICE_ID = "device_id"
DISPLAY_NAME = "display_name"


@dataclass(frozen=True)
class SignedIn:
    server_url: str
    username: str
    display_name: str
    user_id: str
    device_id: str


def device_name() -> str:
    return f"kamdesk on {platform.node() or 'desktop'}"


def sign_in(
    database: Path,
    backup_dir: Path,
    tokens: TokenStore,
    server_url: str,
    username: str,
    password: str,
    *,
    client: SyncClient | None = None,
) -> SignedIn:
    """Log in, keep the token, and record the user in the store at ``database`` (created if new)."""
    from kamdesk.sync.client import SyncClient

    client = client or SyncClient(server_url)
    try:
        login = client.login(username, password, device_name())
    finally:
        client.close()
    tokens.save(server_url, username, login.token)
    store = open_store(database, backup_dir)
    try:
        with store.sessions.begin() as session:
            previous = state.get(session, state.CURRENT_USER)
            if previous and previous != login.user.id:
                raise AuthenticationError("this data folder belongs to another user")
            for key, value in (
                (SERVER_URL, server_url.rstrip("/")),
                (USERNAME, login.user.username),
                (DISPLAY_NAME, login.user.display_name),
                (state.CURRENT_USER, login.user.id),
                (DEVICE_ID, login.device_id),
            ):
                state.put(session, key, value)
    finally:
        store.close()
    return SignedIn(
        server_url.rstrip("/"), login.user.username, login.user.display_name, login.user.id, login.device_id
    )


def signed_in(store: Store) -> SignedIn | None:
    with store.sessions() as session:
        values = {
            key: state.get(session, key)
            for key in (SERVER_URL, USERNAME, DISPLAY_NAME, state.CURRENT_USER, DEVICE_ID)
        }
    if not values[SERVER_URL] or not values[USERNAME]:
        return None
    return SignedIn(
        values[SERVER_URL],
        values[USERNAME],
        values[DISPLAY_NAME] or values[USERNAME],  # type: ignore[arg-type]
        values[state.CURRENT_USER] or "",
        values[DEVICE_ID] or "",
    )


def connect(store: Store, tokens: TokenStore, *, timeout: float | None = None) -> SyncClient:
    """A client for the signed-in user; ``AuthenticationError`` when there is no usable token."""
    from kamdesk.sync.client import SyncClient

    who = signed_in(store)
    if who is None:
        raise AuthenticationError("not signed in")
    token = tokens.load(who.server_url, who.username)
    if not token:
        raise AuthenticationError("no token on this device")
    if timeout is None:
        return SyncClient(who.server_url, token)
    return SyncClient(who.server_url, token, timeout=timeout)


def sign_out(store: Store, tokens: TokenStore) -> None:
    """Revoke the token on the server when reachable, and forget it here; local work stays."""
    who = signed_in(store)
    if who is None:
        return
    token = tokens.load(who.server_url, who.username)
    if token:
        from kamdesk.sync.client import SyncClient

        client = SyncClient(who.server_url, token, timeout=5.0)
        try:
            client.logout()
        except SyncError:  # offline or already revoked: forgetting it locally is what matters
            pass
        finally:
            client.close()
    tokens.delete(who.server_url, who.username)


def forget_token(store: Store, tokens: TokenStore) -> None:
    """After the server said the token is revoked: drop it so the app asks to sign in again."""
    who = signed_in(store)
    if who is not None:
        tokens.delete(who.server_url, who.username)
