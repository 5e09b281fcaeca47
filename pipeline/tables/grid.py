"""Ruled-table grid from a page image: ruling lines by morphology, the cell grid with merged
cells (row/col spans from missing separators), and OCR boxes assigned to cells by their centre.

All geometry is computed in pixels and returned in points (divide by `scale`).
"""
from __future__ import annotations

import cv2
import numpy as np

from models.provenance import Cell, Table
from pipeline.ocr.base import OcrBox

ENGINE = "opencv-grid"
DEBUG = False


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [float(np.mean(g)) for g in out]


def ruling_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Binary masks of horizontal and vertical ruling lines."""
    b = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    h, w = gray.shape
    hk = max(25, w // 35)
    vk = max(20, h // 60)
    hor = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    ver = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    # bridge small gaps of scanned lines
    hor = cv2.dilate(hor, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    ver = cv2.dilate(ver, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return hor, ver


def _positions(mask: np.ndarray, axis: int, min_len: int, tol: float) -> list[float]:
    """Centres of line components (axis 0: horizontal lines -> y; 1: vertical -> x)."""
    n, _, stats, cent = cv2.connectedComponentsWithStats(mask, connectivity=8)
    vals = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if axis == 0 and w >= min_len:
            vals.append(y + h / 2)
        elif axis == 1 and h >= min_len:
            vals.append(x + w / 2)
    return _cluster(vals, tol)


def _coverage(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int, horizontal: bool) -> float:
    """Share of a thin band covered by line pixels along its length."""
    seg = mask[max(0, y0):max(y1, y0 + 1), max(0, x0):max(x1, x0 + 1)]
    if seg.size == 0:
        return 0.0
    along = seg.any(axis=0) if horizontal else seg.any(axis=1)
    return float(along.mean())


def _real_lines(hs: np.ndarray, vs: np.ndarray, xs: list[float], ys: list[float],
                band: int = 5) -> tuple[list[float], list[float]]:
    """Keep only rulings that separate cells: a vertical line must run (>= 60 % inked) through
    at least one row band, a horizontal line across at least one column band. Ornaments,
    underlines and stamps' edges fall away."""
    def v_ok(x: float) -> bool:
        return any(_coverage(vs, int(x) - band, int(ys[r]) + band, int(x) + band, int(ys[r + 1]) - band, False) >= 0.6
                   for r in range(len(ys) - 1) if ys[r + 1] - ys[r] > 2 * band + 4)

    def h_ok(y: float, xs_: list[float]) -> bool:
        return any(_coverage(hs, int(xs_[c]) + band, int(y) - band, int(xs_[c + 1]) - band, int(y) + band, True) >= 0.6
                   for c in range(len(xs_) - 1) if xs_[c + 1] - xs_[c] > 2 * band + 4)

    xs = [x for x in xs if v_ok(x)]
    if len(xs) < 2:
        return xs, ys
    ys = [y for y in ys if h_ok(y, xs)]
    if len(ys) >= 2:
        xs = [x for x in xs if v_ok(x)]
    return xs, ys


def _grid_table(hor: np.ndarray, ver: np.ndarray, rx: int, ry: int, rw: int, rh: int,
                boxes: list[OcrBox], scale: float) -> Table | None:
    hs, vs = hor[ry:ry + rh, rx:rx + rw], ver[ry:ry + rh, rx:rx + rw]
    ys = _positions(hs, 0, max(30, rw // 12), 8)
    xs = _positions(vs, 1, max(15, rh // 40), 8)
    if len(ys) < 2 or len(xs) < 2:
        return None
    xs, ys = _real_lines(hs, vs, xs, ys)
    if len(ys) < 2 or len(xs) < 2 or len(xs) > 41 or len(ys) > 81:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    if DEBUG:
        print("xs", [round(v) for v in xs], "ys", [round(v) for v in ys])
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    band = 5
    for r in range(nr):
        for c in range(nc):
            y0, y1 = int(ys[r]) + band, int(ys[r + 1]) - band
            x0, x1 = int(xs[c]) + band, int(xs[c + 1]) - band
            if c + 1 < nc and y1 > y0:   # separator to the right
                x = int(xs[c + 1])
                if _coverage(vs, x - band, y0, x + band, y1, False) < 0.6:
                    parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and x1 > x0:   # separator below
                y = int(ys[r + 1])
                if _coverage(hs, x0, y - band, x1, y + band, True) < 0.6:
                    parent[find((r + 1) * nc + c)] = find(r * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    for members in sorted(groups.values(), key=lambda m: min(m)):
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        rects = [(r0, r1, c0, c1)]
        if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):   # not a rectangle: keep its parts
            rects = [(r, r, c, c) for r, c in members]
        for r0, r1, c0, c1 in rects:
            if any((r, c) in taken for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)):
                continue
            taken.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
            px = (rx + xs[c0], ry + ys[r0], rx + xs[c1 + 1], ry + ys[r1 + 1])
            cells.append(Cell(row=r0, col=c0, rowspan=r1 - r0 + 1, colspan=c1 - c0 + 1,
                              bbox=tuple(round(v / scale, 2) for v in px)))
    _fill(cells, boxes, scale)
    bbox = (rx + xs[0], ry + ys[0], rx + xs[-1], ry + ys[-1])
    return Table(bbox=tuple(round(v / scale, 2) for v in bbox), n_rows=nr, n_cols=nc, cells=cells, engine=ENGINE)


def _fill(cells: list[Cell], boxes: list[OcrBox], scale: float) -> None:
    """Put each OCR box into the cell holding its centre; lines joined top-to-bottom."""
    found: dict[int, list[OcrBox]] = {}
    for b in boxes:
        cx, cy = (b.box[0] + b.box[2]) / 2 / scale, (b.box[1] + b.box[3]) / 2 / scale
        for i, c in enumerate(cells):
            if c.bbox[0] <= cx <= c.bbox[2] and c.bbox[1] <= cy <= c.bbox[3]:
                found.setdefault(i, []).append(b)
                break
    for i, bs in found.items():
        bs.sort(key=lambda b: (b.box[1], b.box[0]))
        lines: list[list[OcrBox]] = []
        for b in bs:
            if lines and abs(b.box[1] - lines[-1][0].box[1]) < 0.5 * (b.box[3] - b.box[1]):
                lines[-1].append(b)
            else:
                lines.append([b])
        cells[i].text = "\n".join("".join(x.text for x in sorted(ln, key=lambda b: b.box[0])) for ln in lines)
        cells[i].confidence = round(min(b.score for b in bs), 4)


def find_tables(image: np.ndarray, boxes: list[OcrBox], scale: float = 1.0) -> list[Table]:
    """Ruled tables on an upright page image (RGB or gray), cells filled from OCR `boxes`
    (pixel coordinates of the same image). Output in points (pixels / scale)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    hor, ver = ruling_masks(gray)
    grid = cv2.dilate(cv2.bitwise_or(hor, ver), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    h, w = gray.shape
    tables = []
    for i in np.argsort(stats[1:, 1]) + 1:          # top to bottom
        x, y, rw, rh, _ = stats[i]
        if rw < 0.25 * w or rh < 40:
            continue
        x0, y0 = max(0, x - 3), max(0, y - 3)
        t = _grid_table(hor, ver, x0, y0, min(w - x0, rw + 6), min(h - y0, rh + 6), boxes, scale)
        if t and t.n_rows * t.n_cols >= 2:
            tables.append(t)
    return tables
