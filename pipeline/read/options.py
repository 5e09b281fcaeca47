"""Options and errors of the read stage."""
from __future__ import annotations

from pydantic import BaseModel


class UnreadableFile(Exception):
    """A file that cannot be read at all (corrupt, empty, encrypted, not a PDF/image)."""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file


class ReadOptions(BaseModel):
    dpi: int = 150                      # render resolution of scanned PDF pages for OCR
    seal_dpi: int = 100                 # render resolution of text-layer pages that carry images (seals)
    engine: str | None = None           # OCR engine name (pipeline.ocr.get_engine); None: env/default
    cache_dir: str | None = None        # OCR cache folder; None: env SHENBAO_CACHE_DIR or ~/.cache/shenbao/ocr
    use_cache: bool = True
    password: str | None = None         # for encrypted PDFs
    force_ocr: bool = False             # OCR every PDF page even if it has a usable text layer
    fix_rotation: bool = True           # detect 0/90/180/270
    fix_skew: bool = True               # deskew up to ±3°
    suppress_red: bool = True           # whiten seal ink before OCR
    tables: bool = True                 # ruled tables on OCR'd pages (opencv-grid)
    second_look: bool = True            # re-read doubtful lines (finer rendering, red channel under seals)
    seals: bool = True                  # call pipeline.seals.find_seals when available
    read_seals: bool = True             # OCR the seals found (ring text, kind); off: found, left unread
    max_pages: int | None = None        # read only the first N pages (benchmarks)
