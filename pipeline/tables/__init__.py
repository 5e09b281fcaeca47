"""Ruled tables from page images (OpenCV morphology) -> models.provenance.Table."""
from pipeline.tables.grid import ENGINE, find_tables

__all__ = ["ENGINE", "find_tables"]
