"""Evidence crops: render the page a finding points at, cut out the bbox with a margin, mark it in red.

Coordinates are PDF points of the page as stored, origin top-left (pipeline.report.frames). PDFs are
rendered at `dpi` (dpi/72 pixels per point); image files are one page whose points are pixels. A page that
was read on a turned image has `rotation` degrees (clockwise, as pipeline.prep reports it) in
`page_rotation`: its crops are cut from the stored page and then turned the same way, to read upright.
Every failure is logged and returns None: a missing crop never stops the report.
"""
from __future__ import annotations

import logging
import math
import re
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pipeline.read.render import load_image, render_pdf_page

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
RED = (220, 0, 0)
MAX_CROP_PX = 1400          # longest side of a saved crop
MIN_CROP_PX = 420           # small crops (72 dpi photos) are scaled up to this


def is_pdf(path: str | Path) -> bool:
    """Sniff the bytes (store blobs have no suffix)."""
    with open(path, "rb") as fh:
        return b"%PDF" in fh.read(1024)


def turn_clockwise(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn an RGB array clockwise by a multiple of 90 degrees."""
    k = (int(degrees) // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=-k)) if k else image


class PageCache:
    """Renders each (file, page) once per report; keeps the last few pages in memory."""

    def __init__(self, files: dict[str, str], dpi: int = 150, keep: int = 8):
        self.files = files
        self.dpi = dpi
        self.keep = keep
        self._pages: OrderedDict[tuple[str, int], tuple[np.ndarray, float]] = OrderedDict()

    def get(self, file: str, page: int) -> tuple[np.ndarray, float]:
        """(RGB image of the stored page, pixels per point). Raises on any problem."""
        key = (file, page)
        if key in self._pages:
            self._pages.move_to_end(key)
            return self._pages[key]
        src = self.files.get(file)
        if src is None:
            raise KeyError(f"no bytes for file {file!r}")
        if is_pdf(src):
            img, scale = render_pdf_page(src, page, dpi=self.dpi), self.dpi / 72
        else:
            if page != 1:
                raise ValueError(f"image file {file!r} has one page, not page {page}")
            img, scale = load_image(src), 1.0
        self._pages[key] = (img, scale)
        while len(self._pages) > self.keep:
            self._pages.popitem(last=False)
        return img, scale


def _valid_bbox(bbox) -> BBox | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        return None
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    return (x0, y0, x1, y1)


def make_crop(image: np.ndarray, scale: float, bbox: BBox, margin_pt: float = 24.0,
              line_px: int | None = None, rotation: int = 0) -> Image.Image:
    """Crop bbox (points) plus a margin out of `image`, with the bbox outlined in red, turned clockwise by
    `rotation` to read upright."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (v * scale for v in bbox)
    # clip the region to the page; a region entirely off the page is an error
    x0, x1 = max(0.0, x0), min(float(w), x1)
    y0, y1 = max(0.0, y0), min(float(h), y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        raise ValueError(f"bbox {bbox} lies outside the page ({w / scale:.0f}×{h / scale:.0f} pt)")
    # context: a fixed margin plus a share of the region (a thin table row gets a row or two above/below)
    mx = margin_pt * scale + 0.1 * (x1 - x0)
    my = 1.5 * margin_pt * scale + 0.6 * (y1 - y0)
    if rotation % 180 == 90:                              # the text's rows run down the stored page
        mx, my = 1.5 * margin_pt * scale + 0.6 * (x1 - x0), margin_pt * scale + 0.1 * (y1 - y0)
    cx0, cy0 = int(max(0, x0 - mx)), int(max(0, y0 - my))
    cx1, cy1 = int(min(w, math.ceil(x1 + mx))), int(min(h, math.ceil(y1 + my)))
    crop = Image.fromarray(image[cy0:cy1, cx0:cx1]).convert("RGB")
    longest = max(crop.size)
    f = 1.0
    if longest > MAX_CROP_PX or longest < MIN_CROP_PX:   # keep crops legible and the report light
        f = (MAX_CROP_PX if longest > MAX_CROP_PX else MIN_CROP_PX) / longest
        crop = crop.resize((max(1, round(crop.width * f)), max(1, round(crop.height * f))), Image.LANCZOS)
    # the marker is drawn after scaling so it stays crisp pure red
    lw = line_px or min(6, max(2, round(1.5 * scale * f)))
    rx0, ry0, rx1, ry1 = ((x0 - cx0) * f, (y0 - cy0) * f, (x1 - cx0) * f, (y1 - cy0) * f)
    ImageDraw.Draw(crop).rectangle([rx0 - lw, ry0 - lw, rx1 + lw, ry1 + lw], outline=RED, width=lw)
    return Image.fromarray(turn_clockwise(np.asarray(crop), rotation)) if rotation % 360 else crop


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "x"


class CropWriter:
    """Writes crops into out_dir/crops and returns their report-relative paths (or None on failure)."""

    def __init__(self, out_dir: Path, pages: PageCache, subdir: str = "crops",
                 page_rotation: dict[tuple[str, int], int] | None = None):
        self.rotation = page_rotation or {}
        self.out_dir = Path(out_dir)
        self.subdir = subdir
        self.pages = pages
        self._done: dict[tuple[str, int, BBox], str] = {}
        self.failures: list[str] = []

    @property
    def written(self) -> list[str]:
        return list(self._done.values())

    def crop(self, file: str | None, page: int | None, bbox, name: str) -> str | None:
        if not file or not page or bbox is None:
            return None
        box = _valid_bbox(bbox)
        if box is None:
            self._fail(f"{file} p{page}: bad bbox {bbox!r}")
            return None
        key = (file, int(page), box)
        if key in self._done:
            return self._done[key]
        try:
            image, scale = self.pages.get(file, int(page))
            img = make_crop(image, scale, box, rotation=self.rotation.get((file, int(page)), 0))
            folder = self.out_dir / self.subdir
            folder.mkdir(parents=True, exist_ok=True)
            fname = f"{safe_name(name)}.png"
            img.save(folder / fname)          # optimize=True is 6x slower for ~8% smaller files
        except Exception as exc:  # noqa: BLE001 - a crop is never fatal
            self._fail(f"{file} p{page} {bbox}: {type(exc).__name__}: {exc}")
            return None
        rel = f"{self.subdir}/{fname}"
        self._done[key] = rel
        return rel

    def _fail(self, msg: str) -> None:
        log.warning("evidence crop skipped: %s", msg)
        self.failures.append(msg)
