"""Attachments are copied into the data directory and referenced by content hash.

The visit stores ``{"sha256", "name", "size"}``; the bytes live at ``attachments/ab/abcdef…``.
The same photo attached twice is stored once, and a file moved or deleted by the manager after
attaching it does not break the visit record.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def attachment_path(attachments_dir: Path, sha256: str) -> Path:
    return attachments_dir / sha256[:2] / sha256


def store_file(attachments_dir: Path, source: Path) -> dict[str, Any]:
    """Copy ``source`` into ``attachments_dir`` under its SHA-256 and return the answer entry."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    target = attachment_path(attachments_dir, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
                shutil.copyfileobj(handle, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return {"sha256": sha, "name": source.name, "size": size}
