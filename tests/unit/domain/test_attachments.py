"""Attachments are copied into the data directory under their content hash."""

from __future__ import annotations

import hashlib

from kamdesk.domain.attachments import attachment_path, store_file


def test_file_is_copied_by_content_hash_and_stored_once(tmp_path):
    photo = tmp_path / "门头照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 50)
    folder = tmp_path / "data" / "attachments"
    entry = store_file(folder, photo)
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert entry == {"sha256": sha, "name": "门头照片.jpg", "size": photo.stat().st_size}
    stored = attachment_path(folder, sha)
    assert stored == folder / sha[:2] / sha and stored.read_bytes() == photo.read_bytes()
    copy = tmp_path / "again.jpg"
    copy.write_bytes(photo.read_bytes())
    assert store_file(folder, copy)["sha256"] == sha
    photo.unlink()  # the manager deletes the original: the visit's copy stays
    assert stored.exists()
    assert [p.name for p in folder.rglob("*") if p.is_file()] == [sha]
