"""The OCR cache in the store database (table ocr_cache, keyed by page-image sha256 + engine).

Same get/put interface as pipeline.read.cache.OcrCache, so a reader can be handed either; this one
is shared by every worker of a batch through the store (SQLite or PostgreSQL)."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from pipeline.store.db import Store, open_store
from pipeline.store.models import OcrCacheRow, PageRow


class StoreOcrCache:
    def __init__(self, store: Store | str | None = None):
        self.store = store if isinstance(store, Store) else open_store(store)

    def get(self, sha: str, engine: str) -> dict | None:
        with self.store.session() as s:
            row = s.get(OcrCacheRow, (sha, engine))
            return row.result if row else None

    def put(self, sha: str, engine: str, payload: dict) -> None:
        try:
            with self.store.session() as s, s.begin():
                row = s.get(OcrCacheRow, (sha, engine))
                if row is None:
                    s.add(OcrCacheRow(image_sha256=sha, engine=engine, result=payload))
                else:
                    row.result = payload
        except IntegrityError:      # another worker cached the same page first: same result
            pass

    def note_page(self, file_sha256: str, page_no: int, dpi: int, image_sha256: str | None,
                  width: float | None = None, height: float | None = None, text_layer: bool = False) -> None:
        """Record which page image a file page rendered to (pages table)."""
        try:
            with self.store.session() as s, s.begin():
                s.add(PageRow(file_sha256=file_sha256, page_no=page_no, dpi=dpi, image_sha256=image_sha256,
                              width=width, height=height, text_layer=text_layer))
        except IntegrityError:
            pass
