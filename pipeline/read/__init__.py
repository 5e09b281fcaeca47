"""Read stage: StoredFile -> list[models.provenance.Page] (text layer via pdfplumber, else OCR)."""
from pipeline.read.cache import STATS, OcrCache, OcrStats, image_sha256
from pipeline.read.options import ReadOptions, UnreadableFile
from pipeline.read.reader import OcrUnavailable, file_kind, read_file, read_files

__all__ = ["ReadOptions", "UnreadableFile", "OcrUnavailable", "read_file", "read_files", "file_kind",
           "STATS", "OcrStats", "OcrCache", "image_sha256"]
