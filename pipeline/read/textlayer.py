"""Read a PDF page through its text layer with pdfplumber: lines and ruled tables, in points."""
from __future__ import annotations

import re

import numpy as np
import pdfplumber

from models.provenance import Cell, Page, Table, TextLine

ENGINE = "pdfplumber"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PRINTABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffefA-Za-z0-9.,:;()%\-/ ]")


def text_layer_quality(text: str) -> float:
    """Share of characters that look like real Chinese/ASCII text (0..1). Garbage layers score low."""
    text = re.sub(r"\s+", "", text)
    if not text:
        return 0.0
    return len(_PRINTABLE.findall(text)) / len(text)


def usable_text_layer(page: pdfplumber.page.Page, min_chars: int = 20, min_quality: float = 0.85) -> bool:
    """A page counts as digital only if its text layer has enough plausible text,
    with at least some CJK, and the text covers the page rather than a thin strip."""
    # the chars themselves, in stream order: the test only counts them (no text map to build)
    compact = re.sub(r"\s+", "", "".join(ch["text"] for ch in page.chars))
    if len(compact) < min_chars or not _CJK.search(compact):
        return False
    return text_layer_quality(compact) >= min_quality


def lines_of(page: pdfplumber.page.Page) -> list[TextLine]:
    out = []
    for ln in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = ln["text"].strip()
        if text:
            out.append(TextLine(text=text, bbox=(ln["x0"], ln["top"], ln["x1"], ln["bottom"]), engine=ENGINE))
    return out


def _grid_index(values: list[float], v: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


def _snap(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _cell_texts(chars: list[dict], boxes: list[tuple]) -> list[str]:
    """Text of each cell from the page's chars (centre inside the cell, first cell wins), lines split on
    vertical gaps. One vectorised pass over the chars instead of a cropped re-extraction per cell."""
    buckets: list[list[dict]] = [[] for _ in boxes]
    if chars and boxes:
        xy = np.array([((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars])
        b = np.array(boxes, dtype=float)
        inside = ((b[:, None, 0] <= xy[None, :, 0]) & (xy[None, :, 0] <= b[:, None, 2])
                  & (b[:, None, 1] <= xy[None, :, 1]) & (xy[None, :, 1] <= b[:, None, 3]))
        hit = inside.any(axis=0)
        first = inside.argmax(axis=0)
        for k in np.flatnonzero(hit):
            buckets[first[k]].append(chars[k])
    out = []
    for bucket in buckets:
        lines: list[list[dict]] = []
        for ch in sorted(bucket, key=lambda c: (round(c["top"]), c["x0"])):
            if lines and abs(ch["top"] - lines[-1][0]["top"]) < max(2.0, 0.5 * (ch["bottom"] - ch["top"])):
                lines[-1].append(ch)
            else:
                lines.append([ch])
        out.append("\n".join("".join(c["text"] for c in sorted(ln, key=lambda c: c["x0"])).strip() for ln in lines))
    return out


def tables_of(page: pdfplumber.page.Page) -> list[Table]:
    """Ruled tables as cell grids; merged cells get row/col spans from the grid lines they cover."""
    tables = []
    for t in page.find_tables():
        boxes = [tuple(c) for c in t.cells if c]
        if not boxes:
            continue
        xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
        cells = []
        for b, text in zip(boxes, _cell_texts(page.chars, boxes)):
            c0, c1 = _grid_index(xs, b[0]), _grid_index(xs, b[2])
            r0, r1 = _grid_index(ys, b[1]), _grid_index(ys, b[3])
            cells.append(Cell(row=r0, col=c0, rowspan=max(1, r1 - r0), colspan=max(1, c1 - c0),
                              bbox=b, text=text))
        tables.append(Table(bbox=tuple(t.bbox), n_rows=len(ys) - 1, n_cols=len(xs) - 1, cells=cells, engine=ENGINE))
    return tables


def read_text_page(page: pdfplumber.page.Page, file: str, index: int) -> Page:
    return Page(file=file, index=index, width=float(page.width), height=float(page.height),
                text_layer=True, ocr=False, lines=lines_of(page), tables=tables_of(page))
