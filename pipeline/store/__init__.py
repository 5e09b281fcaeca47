"""The store: content-addressed blobs + a SQL database (SQLite file by default, PostgreSQL by URL).

    from pipeline.store import open_store
    store = open_store("postgresql+psycopg2://…")      # or a directory; runs `alembic upgrade head`
State transitions and queries: pipeline.store.repo. OCR cache: pipeline.store.cache.StoreOcrCache.
"""
from pipeline.store.blobs import BlobStore
from pipeline.store.db import Store, open_store

__all__ = ["BlobStore", "Store", "open_store"]
