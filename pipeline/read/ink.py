"""Ink that OCR read nothing from, on grey-scale scans.

On a grey scan a seal's ink cannot be lifted off the print under it, and a seal the detector misses (a
tilted oval, say) leaves no record at all: the date under it goes unread, and the place looks blank. A
blank is only a blank where the image is blank too. `unread_ink` lists the marks (print or seal ink) that
lie outside every text line the OCR found and are not ruled lines; inside a seal that was found, only marks
darker than seal ink (print under it). Extractors ask `ink_in` before calling a place empty.
"""
from __future__ import annotations

import numpy as np

from models.provenance import BBox, Page

INK_BELOW = 150            # grey level of print and of seal ink on a grey scan (paper is ~230+)
PRINT_UNDER_SEAL = 75      # inside a seal found on the page, only print darker than this (the seal's own ink
                           # stays above ~80 on a grey scan, black print under it goes darker still)
MIN_SIDE_PT = 4.0          # a mark smaller than this both ways is a speck, not a character
MIN_INK_PX = 30
MAX_BOXES = 200


def unread_ink(page: Page, upright: np.ndarray, scale: float) -> list[BBox]:
    """Boxes (points) of ink outside the page's text lines, ruled lines removed."""
    import cv2      # here, not at the top: extractors import ink_in, which needs no OpenCV
    grey = upright.min(axis=2) if upright.ndim == 3 else upright
    ink = (grey < INK_BELOW).astype(np.uint8)
    H, W = ink.shape
    for s in page.seals:                     # a seal's own ink is not unread print: only what is darker
        if s.edge or s.shape not in ("round", "oval"):
            continue
        cx, cy = (s.bbox[0] + s.bbox[2]) / 2 * scale, (s.bbox[1] + s.bbox[3]) / 2 * scale
        ax, ay = (s.bbox[2] - s.bbox[0]) / 2 * scale * 1.1, (s.bbox[3] - s.bbox[1]) / 2 * scale * 1.1   # the ring's rim
        x0, y0, x1, y1 = max(0, int(cx - ax)), max(0, int(cy - ay)), min(W, int(cx + ax) + 1), min(H, int(cy + ay) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        inside = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1
        ink[y0:y1, x0:x1][inside] = (grey[y0:y1, x0:x1][inside] < PRINT_UNDER_SEAL)
    for ln in page.lines:
        x0, y0, x1, y1 = (int(round(v * scale)) for v in ln.bbox)
        ink[max(0, y0 - 2):min(H, y1 + 3), max(0, x0 - 2):min(W, x1 + 3)] = 0
    rule = max(25, int(40 * scale))         # table and underline rules: long straight runs of ink
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (rule, 1)))
    lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, rule)))
    ink &= 1 - cv2.dilate(lines, np.ones((3, 3), np.uint8))
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(3 * scale)), 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out: list[tuple[int, BBox]] = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if max(w, h) < MIN_SIDE_PT * scale:
            continue
        count = int(ink[y:y + h, x:x + w][labels[y:y + h, x:x + w] == i].sum())
        if count >= MIN_INK_PX:
            out.append((count, tuple(round(v / scale, 1) for v in (x, y, x + w, y + h))))
    return [b for _, b in sorted(out, reverse=True)[:MAX_BOXES]]


def ink_in(page: Page, zone: BBox, seals: bool = False) -> bool:
    """Unread ink covers part of `zone` on a grey scan: what lies there may be unread, not blank. Inside a seal
    found on the page only print darker than its ink counts (unread_ink), so a seal over an empty date leaves
    it empty; with `seals`, a seal over the zone counts as well (a 表一 row stamped by its provider is a row)."""
    if not page.grey:
        return False
    return any(b[0] < zone[2] and zone[0] < b[2] and b[1] < zone[3] and zone[1] < b[3]
               for b in [*page.unread_ink, *(s.bbox for s in page.seals if seals or s.shape not in ("round", "oval"))])
