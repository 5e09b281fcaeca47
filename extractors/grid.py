"""Grids of rows under a header row: from a ruled Table, or from OCR boxes on a page without one (columns
from the header boxes' x positions, rows anchored on the 序号 digits, scan skew taken from the header row)."""
from __future__ import annotations

import re

from extractors.base import Hit, row_hit
from models.provenance import Page, Table, TextLine
from pipeline.normalize import squash


def header_columns(t: Table, cols_spec: dict[str, str]) -> tuple[dict[str, int], int] | None:
    """(column of each `cols_spec` key, header row) of a ruled table whose header row names the columns."""
    first_key = [k for k in cols_spec if k != "seq"][0]
    header = next((r for r in t.rows() if any(cols_spec[first_key] in squash(c.text) for c in r)), None)
    if header is None:
        return None
    cols: dict[str, int] = {}
    for c in header:
        txt = squash(c.text)
        for k, lab in cols_spec.items():
            if lab in txt and k not in cols:
                cols[k] = c.col
    return cols, header[0].row


def rows_from_table(page: Page, t: Table, cols_spec: dict[str, str], stop: str,
                    carried: tuple[dict[str, int], int] | None = None) -> list[dict[str, Hit]] | None:
    """Rows of a ruled table under the header row naming `cols_spec` columns, anchored on a 序号 digit. A table
    without the header row continues the previous page's table when `carried` (its columns, its column
    count) fits it: a product table running over a page break."""
    found = header_columns(t, cols_spec)
    if found is not None:
        cols, top = found
    elif carried is not None and carried[1] == t.n_cols:
        cols, top = carried[0], -1
    else:
        return None
    out = []
    for r in t.rows():
        if r[0].row <= top:
            continue
        first = squash(r[0].text)
        if not re.fullmatch(r"\d{1,2}", first):
            if re.search(stop, first):
                break
            continue
        row = {}
        for k, col in cols.items():
            c = t.cell(r[0].row, col)
            if c is not None:
                row[k] = Hit(c.text.strip(), page, c.bbox, c.confidence, t.engine)
        out.append(row)
    return out


def rows_from_lines(page: Page, cols_spec: dict[str, str], stop: str) -> list[dict[str, Hit]]:
    """OCR page without a table: columns from the header boxes, rows anchored on the 序号 digits."""
    lines = page.lines
    heads: dict[str, TextLine] = {}
    first_key = [k for k in cols_spec if k != "seq"][0]
    prim = [l for l in lines if cols_spec[first_key] in squash(l.text)]
    if not prim:
        return []
    p = prim[0]
    pc, ph = (p.bbox[1] + p.bbox[3]) / 2, p.bbox[3] - p.bbox[1]
    for k, lab in cols_spec.items():
        cand = [l for l in lines if lab in squash(l.text) and len(squash(l.text)) <= len(lab) + 6
                and abs((l.bbox[1] + l.bbox[3]) / 2 - pc) < 3 * ph]
        if cand:
            heads[k] = min(cand, key=lambda l: abs((l.bbox[1] + l.bbox[3]) / 2 - pc))
    if "seq" not in heads or len(heads) < 3:
        return []
    top = max(h.bbox[3] for h in heads.values())
    end = next((l.bbox[1] for l in sorted(lines, key=lambda l: l.bbox[1])
                if l.bbox[1] > top and re.search(stop, squash(l.text))), page.height)
    centers = {k: (h.bbox[0] + h.bbox[2]) / 2 for k, h in heads.items()}
    # scan skew: header boxes lie on one row, so their centres give the slope
    hx = [centers[k] for k in heads]
    hy = [(h.bbox[1] + h.bbox[3]) / 2 for h in heads.values()]
    mx, my = sum(hx) / len(hx), sum(hy) / len(hy)
    var = sum((x - mx) ** 2 for x in hx)
    slope = sum((x - mx) * (y - my) for x, y in zip(hx, hy)) / var if var > 0 else 0.0
    slope = slope if abs(slope) < 0.08 else 0.0
    x_seq = centers["seq"]
    left = min(h.bbox[0] for h in heads.values()) - 25
    right = max(h.bbox[2] for h in heads.values()) + 25
    body = [l for l in lines if top - 2 < (l.bbox[1] + l.bbox[3]) / 2 < end and l.confidence >= 0.5
            and l.bbox[0] >= left and l.bbox[2] <= right]   # seal fragments outside the table are noise

    def col_of(l: TextLine) -> str:
        cx = (l.bbox[0] + l.bbox[2]) / 2
        keys = [k for k in centers if k != "seq" or re.fullmatch(r"\d{1,2}", squash(l.text))]
        return min(keys, key=lambda k: abs(centers[k] - cx))

    anchors = sorted([l for l in body if col_of(l) == "seq" and re.fullmatch(r"\d{1,2}", squash(l.text))],
                     key=lambda l: l.bbox[1])
    if not anchors:
        return []
    groups: list[dict[str, list[TextLine]]] = [{"seq": [a]} for a in anchors]
    for l in body:
        if l in anchors:
            continue
        cy = (l.bbox[1] + l.bbox[3]) / 2 - slope * ((l.bbox[0] + l.bbox[2]) / 2 - x_seq)
        starts = [j for j, a in enumerate(anchors) if a.bbox[1] - 0.5 * (a.bbox[3] - a.bbox[1]) <= cy]
        i = starts[-1] if starts else 0
        groups[i].setdefault(col_of(l), []).append(l)
    out = []
    for g in groups:
        row = {}
        for k, ls in g.items():
            # reading order inside a cell: by deskewed centre line, then left to right
            ls.sort(key=lambda l: (round(((l.bbox[1] + l.bbox[3]) / 2 - slope * ((l.bbox[0] + l.bbox[2]) / 2 - x_seq)) / 6), l.bbox[0]))
            row[k] = row_hit(page, ls, sep="")
        out.append(row)
    return out


