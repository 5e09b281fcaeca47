"""Second look at doubtful OCR lines from a finer rendering of the same scanned page.

Scanned PDF pages are OCR'd at ReadOptions.dpi (150). Most generated and real scans hold 200-300 dpi
images: a line whose weakest character was read unsure (宇/字, 料/科) is read again from the page
rendered at the image's own resolution (capped), turned and levelled the same way, and the finer
reading replaces the first when it is surer on average and on its weakest character.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from pipeline.prep import deskew, rotate, suppress_red

DOUBT_MIN_CHAR = 0.85      # a line whose weakest character scored below this is read again
DOUBT_MEAN = 0.99          # cached lines without a weakest-character score: mean below this
MAX_DPI = 300
MIN_GAIN = 1.3             # the finer rendering must be at least this much finer to be worth it


def image_dpi(page) -> float | None:
    """Resolution of the largest image on a pypdfium2 page (pixels per inch of its placed size)."""
    best = None
    for o in page.get_objects():
        if o.type != 3:       # FPDF_PAGEOBJ_IMAGE
            continue
        try:
            pw, ph = o.get_px_size()
            x0, y0, x1, y1 = o.get_bounds()
        except Exception:
            continue
        w_in, h_in = abs(x1 - x0) / 72, abs(y1 - y0) / 72
        if w_in <= 0 or h_in <= 0:
            continue
        area = w_in * h_in
        if best is None or area > best[0]:
            best = (area, max(pw, ph) / max(w_in, h_in))
    return best[1] if best else None


def finer_dpi(page, dpi: int) -> int | None:
    """The dpi worth a second look for this page, or None when its image is no finer than `dpi`."""
    native = image_dpi(page)
    if native is None or native < dpi * MIN_GAIN:
        return None
    return int(min(native, MAX_DPI))


def second_look(payload: dict, mins: list[float | None], hires: Callable[[], np.ndarray], factor: float,
                engine, red: bool) -> int:
    """Re-read doubtful boxes of `payload` (upright-frame pixels) on the finer image `hires()` (the same page
    rendered `factor` times finer, not yet turned). Replaces text/score in place; returns how many changed."""
    boxes = payload["boxes"]
    doubt = [k for k, b in enumerate(boxes)
             if (mins[k] is not None and mins[k] < DOUBT_MIN_CHAR) or (mins[k] is None and b["score"] < DOUBT_MEAN)]
    if not doubt or not hasattr(engine, "read_lines_detail"):
        return 0
    img = deskew(rotate(hires(), payload["rotation"]), payload["skew"])
    if red:
        img = suppress_red(img)
    H, W = img.shape[:2]
    crops = []
    for k in doubt:
        x0, y0, x1, y1 = (v * factor for v in boxes[k]["box"])
        crop = img[max(0, int(y0)):min(H, int(np.ceil(y1))), max(0, int(x0)):min(W, int(np.ceil(x1)))]
        if crop.size and crop.shape[0] / max(crop.shape[1], 1) >= 1.5:
            crop = np.rot90(crop)
        crops.append(np.ascontiguousarray(crop))
    changed = 0
    for k, (text, score, weakest) in zip(doubt, engine.read_lines_detail(crops)):
        old = boxes[k]
        surer = weakest > mins[k] if mins[k] is not None else score > old["score"] + 0.01
        if text.strip() and score > old["score"] and surer and abs(len(text) - len(old["text"])) <= 2:
            if text != old["text"]:
                changed += 1
            old["text"], old["score"] = text, score
            mins[k] = weakest
    return changed
