"""write_report: report.json (validated by ReportModel), evidence crops, report.html for one packet."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from models.report import ReportModel
from pipeline.report.crops import CropWriter, PageCache
from pipeline.report.frames import PageFrame, to_stored_frames
from pipeline.report.html import render_html

log = logging.getLogger(__name__)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def attach_crops(report: ReportModel, out_dir: Path, files: dict[str, str],
                 page_rotation: dict[tuple[str, int], int] | None = None, dpi: int = 150) -> CropWriter:
    """Render a marked crop for every finding bbox and evidence bbox (stored-page frame; a turned page's crop
    is turned to read upright); set EvidenceOut.crop (and the finding's extra field `crop` for
    FindingOut.file/page/bbox) to the path relative to out_dir."""
    writer = CropWriter(out_dir, PageCache(files, dpi=dpi), page_rotation=page_rotation)
    for i, f in enumerate(report.findings, 1):
        rel = writer.crop(f.file, f.page, f.bbox, f"{i:03d}_{f.code}") if f.bbox is not None else None
        if rel or getattr(f, "crop", None):
            f.crop = rel  # extra field (ReportModel models allow extras)
        for j, e in enumerate(f.evidence, 1):
            e.crop = writer.crop(e.file, e.page, e.bbox, f"{i:03d}_{f.code}_e{j}") if e.bbox is not None else None
    return writer


def write_report(report: ReportModel, out_dir: Path, files: dict[str, str],
                 page_frames: dict[tuple[str, int], PageFrame] | None = None, *, html: bool = True,
                 dpi: int = 150) -> dict[str, Path]:
    """Write out_dir/report.json, and with html=True out_dir/crops/*.png and out_dir/report.html.

    `files` maps packet-relative file paths to the absolute path of their bytes (PDF or image);
    `page_frames` maps (file, page) to how its image was turned and levelled to be read: the report's boxes,
    in that upright frame, are first moved onto the page as stored (pipeline.report.frames).
    Crops are recorded on `report` itself (EvidenceOut.crop, FindingOut.crop) before it is written.
    Returns {"json": …, "html": …, "crops": …} for what was written. A crop failure is logged, never fatal;
    a report that fails ReportModel validation raises pydantic.ValidationError before report.json is written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    failures = 0
    frames = page_frames or {}
    to_stored_frames(report, frames)
    if html:
        cw = attach_crops(report, out_dir, files, {k: f.rotation for k, f in frames.items()}, dpi=dpi)
        failures = len(cw.failures)
        crops_dir = out_dir / cw.subdir
        if crops_dir.is_dir():
            keep = {Path(r).name for r in cw.written}
            for old in crops_dir.glob("*.png"):      # crops of an earlier run of this report
                if old.name not in keep:
                    old.unlink()
            written["crops"] = crops_dir
    data = report.model_dump(mode="json")
    checked = ReportModel.model_validate(data)          # the contract, checked on what is written
    _atomic_write(out_dir / "report.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    written["json"] = out_dir / "report.json"
    if html:
        _atomic_write(out_dir / "report.html", render_html(checked, crop_failures=failures))
        written["html"] = out_dir / "report.html"
    return written
