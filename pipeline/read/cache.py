"""OCR result cache: SQLite keyed by (sha256 of the page image, engine name).

A page whose rendered image hash is cached is never OCR'd again. `STATS` counts OCR calls
and cache hits for tests and benchmarks.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel


class OcrStats(BaseModel):
    ocr_calls: int = 0     # pages sent to the OCR engine
    cache_hits: int = 0    # pages answered from the cache
    ocr_seconds: float = 0.0

    def reset(self) -> None:
        self.ocr_calls = self.cache_hits = 0
        self.ocr_seconds = 0.0


STATS = OcrStats()


def default_cache_dir() -> Path:
    env = os.environ.get("SHENBAO_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "shenbao" / "ocr"


def image_sha256(image: np.ndarray) -> str:
    """sha256 of the page image: its shape and raw RGB bytes."""
    h = hashlib.sha256(f"{image.shape}|{image.dtype}|".encode())
    h.update(np.ascontiguousarray(image).data)
    return h.hexdigest()


class OcrCache:
    def __init__(self, cache_dir: str | Path | None = None):
        d = Path(cache_dir) if cache_dir else default_cache_dir()
        d.mkdir(parents=True, exist_ok=True)
        self.path = d / "ocr.sqlite"
        self._lock = threading.Lock()
        with self._conn() as c:
            c.execute("CREATE TABLE IF NOT EXISTS ocr (sha TEXT, engine TEXT, payload TEXT, PRIMARY KEY (sha, engine))")

    @contextmanager
    def _conn(self):
        c = sqlite3.connect(self.path, timeout=30)
        try:
            c.execute("PRAGMA journal_mode=WAL")
            yield c
            c.commit()
        finally:
            c.close()

    def get(self, sha: str, engine: str) -> dict | None:
        with self._lock, self._conn() as c:
            row = c.execute("SELECT payload FROM ocr WHERE sha=? AND engine=?", (sha, engine)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, sha: str, engine: str, payload: dict) -> None:
        with self._lock, self._conn() as c:
            c.execute("INSERT OR REPLACE INTO ocr VALUES (?,?,?)", (sha, engine, json.dumps(payload, ensure_ascii=False)))
