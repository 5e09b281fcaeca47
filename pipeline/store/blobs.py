"""Content-addressed blob store: blobs/ab/cd/<sha256>, written once, never overwritten."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


class BlobStore:
    """Writes are atomic (temp file + rename). fsync is deferred: call flush() before recording a blob
    in the database (one os.sync() for many blobs; a killed process loses nothing either way)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        (self.root / "blobs").mkdir(parents=True, exist_ok=True)
        self._dirty = False

    def flush(self) -> None:
        if self._dirty:
            os.sync()
            self._dirty = False

    def path_of(self, sha: str) -> Path:
        return self.root / "blobs" / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        return self.path_of(sha).is_file()

    def put(self, data: bytes) -> tuple[str, Path]:
        """Store bytes; returns (sha256, path). An existing blob is never rewritten."""
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path_of(sha)
        if not dest.is_file():
            self._write_atomic(dest, [data])
        return sha, dest

    def put_stream(self, fh: BinaryIO, limit: int | None = None) -> tuple[str, Path, int]:
        """Stream into the store without holding the whole file in memory.

        Raises ValueError when more than `limit` bytes arrive (the temp file is removed)."""
        h = hashlib.sha256()
        dest_dir = self.root / "blobs"
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".in-")
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := fh.read(CHUNK):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise ValueError(f"超过大小上限 {limit} 字节")
                    h.update(chunk)
                    out.write(chunk)
            sha = h.hexdigest()
            dest = self.path_of(sha)
            if dest.is_file():
                os.unlink(tmp)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, dest)
                os.chmod(dest, 0o444)
                self._dirty = True
            return sha, dest, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def put_file(self, path: str | Path) -> tuple[str, Path, int]:
        with open(path, "rb") as fh:
            return self.put_stream(fh)

    def _write_atomic(self, dest: Path, chunks: list[bytes]) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".in-")
        try:
            with os.fdopen(fd, "wb") as out:
                for c in chunks:
                    out.write(c)
            if dest.exists():          # lost a race with another writer: same bytes, keep theirs
                os.unlink(tmp)
            else:
                os.replace(tmp, dest)
                os.chmod(dest, 0o444)
                self._dirty = True
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
