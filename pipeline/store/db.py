"""Opening the store: database (SQLite file by default, PostgreSQL by URL) + blob directory.

The schema is created and upgraded by Alembic (`alembic upgrade head`) on every open.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.blobs import BlobStore
from pipeline.store.models import Meta

REPO = Path(__file__).resolve().parents[2]
_UPGRADED: set[str] = set()
_LOCK = threading.Lock()


def is_url(s: str) -> bool:
    return "://" in s


def resolve(store: str | Path | None, default_dir: str | Path | None = None) -> tuple[str, Path]:
    """(database URL, blob root) from a URL, a directory, SHENBAO_DB_URL / SHENBAO_STORE, or a default dir.

    A PostgreSQL URL keeps its blobs under SHENBAO_STORE (or default_dir, or ./var/store); the
    blob root actually used is recorded in the database (meta.blob_root) so a later open finds it."""
    store = str(store) if store else os.environ.get("SHENBAO_DB_URL") or None
    blob_dir = Path(os.environ.get("SHENBAO_STORE") or default_dir or "var/store")
    if store and is_url(store):
        if store.startswith("sqlite:///"):
            return store, Path(store[len("sqlite:///"):]).resolve().parent
        return store, blob_dir.resolve()
    root = Path(store).resolve() if store else blob_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'shenbao.db'}", root


def alembic_config(url: str):
    from alembic.config import Config
    cfg = Config(str(REPO / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Run `alembic upgrade head` against url (once per process per URL)."""
    with _LOCK:
        if url in _UPGRADED:
            return
        from alembic import command
        command.upgrade(alembic_config(url), "head")
        _UPGRADED.add(url)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"timeout": 60}, pool_pre_ping=True)

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _rec):  # WAL: readers don't block the single writer
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")      # WAL: safe against process kills
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return eng
    return create_engine(url, pool_pre_ping=True)


@dataclass
class Store:
    url: str
    engine: Engine
    blobs: BlobStore
    Session: sessionmaker[Session]

    def session(self) -> Session:
        return self.Session()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(store: str | Path | None = None, default_dir: str | Path | None = None) -> Store:
    url, blob_root = resolve(store, default_dir)
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    engine = make_engine(url)
    maker = sessionmaker(engine, expire_on_commit=False)
    explicit = bool(os.environ.get("SHENBAO_STORE") or default_dir) or url.startswith("sqlite")
    with maker() as s:   # the blob root is recorded; an opener that names none (recheck) reuses it
        row = s.get(Meta, "blob_root")
        if row is None:
            s.add(Meta(key="blob_root", value=str(blob_root)))
        elif explicit or not Path(row.value).is_dir():
            row.value = str(blob_root)
        else:
            blob_root = Path(row.value)
        s.commit()
    return Store(url=url, engine=engine, blobs=BlobStore(blob_root), Session=maker)


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as c:
        from sqlalchemy import text
        return c.execute(text("select version_num from alembic_version")).scalar()


__all__ = ["Store", "open_store", "resolve", "upgrade", "alembic_config", "current_revision"]
