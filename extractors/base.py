"""Shared extraction helpers: label/value lookup in ruled tables (cells) and in plain lines (same line, right
neighbour, or line below), for text-layer and OCR pages alike, and Field construction with evidence."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from models.provenance import BBox, Evidence, Field, Page, Table, TextLine
from pipeline.read.ink import ink_in

_SEP = "：:；;，,。、|"


@dataclass
class Hit:
    """A value found on a page, with where it was found."""
    text: str
    page: Page
    bbox: BBox | None
    confidence: float = 1.0
    engine: str = "pdfplumber"


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "")


def label_re(label: str) -> str:
    """'名称' matches '名 称', '名  称'; ASCII parens match either width."""
    parts = []
    for ch in label:
        if ch in "（(":
            parts.append(r"[（(]")
        elif ch in "）)":
            parts.append(r"[）)]")
        else:
            parts.append(re.escape(ch))
    return r"\s*".join(parts)


def make_field(name: str, value: Any, hit: Hit | None, raw: str | None = None, repaired: str | None = None,
               confidence: float | None = None) -> Field:
    ev = None
    if hit is not None:
        ev = Evidence(file=hit.page.file, page=hit.page.index, bbox=hit.bbox, text=hit.text, engine=hit.engine,
                      confidence=hit.confidence)
    conf = confidence if confidence is not None else (hit.confidence if hit else 1.0)
    if value is None:
        conf = 0.0
    return Field(name=name, value=value, raw=raw if raw is not None else (hit.text if hit else None),
                 evidence=ev, confidence=round(conf, 4), repaired=repaired)


def engine_of(page: Page) -> str:
    return page.lines[0].engine if page.lines else ("ocr" if page.ocr else "pdfplumber")


# ------------------------------------------------------------------ tables
def cell_hit(page: Page, table: Table, row: int, col: int) -> Hit | None:
    c = table.cell(row, col)
    if c is None:
        return None
    return Hit(text=c.text.strip(), page=page, bbox=c.bbox, confidence=c.confidence, engine=table.engine)


def table_lookup(pages: Iterable[Page], labels: dict[str, list[str]]) -> dict[str, Hit]:
    """For each field, the cell right of the first cell whose text starts with one of its labels.
    A label cell that also holds the value ('注册资本：100万元') gives the rest of its text."""
    out: dict[str, Hit] = {}
    for page in pages:
        for t in page.tables:
            for c in t.cells:
                txt = re.sub(r"\s+", "", nfkc(c.text))
                for name, labs in labels.items():
                    if name in out:
                        continue
                    for lab in labs:
                        m = re.match(label_re(lab), txt)
                        if not m:
                            continue
                        rest = txt[m.end():].strip(_SEP)
                        if len(txt) - m.end() <= 1 or not rest:       # pure label cell → value on the right
                            h = cell_hit(page, t, c.row, c.col + c.colspan)
                            # an empty value cell is a located blank: never let line search steal the
                            # next row's text for it
                            if h is not None and not _is_label(h.text, labels):
                                out[name] = h
                        elif re.match(label_re(lab) + r"\s*[:：]", txt):
                            out[name] = Hit(rest, page, c.bbox, c.confidence, t.engine)
                        break
    return out


def _is_label(text: str, labels: dict[str, list[str]]) -> bool:
    t = re.sub(r"\s+", "", nfkc(text))
    return any(re.fullmatch(label_re(lab) + r"[:：]?", t) for labs in labels.values() for lab in labs)


# ------------------------------------------------------------------ lines
def _vcenter(b: BBox) -> float:
    return (b[1] + b[3]) / 2


def _same_row(a: BBox, b: BBox) -> bool:
    ha, hb = a[3] - a[1], b[3] - b[1]
    if abs(_vcenter(a) - _vcenter(b)) <= 0.5 * max(4.0, min(ha, hb)):
        return True
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.3 * max(1.0, min(ha, hb))


def _near_row(a: BBox, b: BBox) -> bool:
    """Same row, tolerant of a value cell printed a little lower than its (two-line) label."""
    ha, hb = a[3] - a[1], b[3] - b[1]
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return _same_row(a, b) or (overlap > 0 and abs(_vcenter(a) - _vcenter(b)) < 0.8 * max(ha, hb))


_UNIT_ONLY = re.compile(r"^[（(]?(?:万元|元|人|%|个|家)[)）]?$")


def _sub_bbox(line: TextLine, start: int, end: int) -> BBox:
    """Approximate bbox of characters [start, end) of a line (proportional to character count)."""
    n = max(1, len(line.text))
    x0, y0, x1, y1 = line.bbox
    w = (x1 - x0) / n
    return (x0 + w * start, y0, x0 + w * end, y1)


@dataclass
class _Tok:
    name: str | None   # field name of the label, None for value text
    text: str
    bbox: BBox
    line: TextLine


def _tokens(line: TextLine, labels: dict[str, list[str]]) -> list[_Tok]:
    """Split a line into label tokens and value text between them. A label counts at the line start, after a
    separator or space, or at the line end (OCR often glues '…服务；住所' together)."""
    text = nfkc(line.text)
    found = []
    for name, labs in labels.items():
        for lab in labs:
            for m in re.finditer(label_re(lab), text):
                s, e = m.start(), m.end()
                before_ok = s == 0 or text[s - 1] in _SEP + " \t"
                after = text[e:].lstrip()
                after_ok = (not after) or after[0] in _SEP or text[e:e + 1] in (" ", "\t") or s == 0
                if before_ok and after_ok or (s > 0 and not after):
                    found.append((s, e, name))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    picked = []
    for f in found:
        if picked and f[0] < picked[-1][1]:
            continue
        picked.append(f)
    toks, pos = [], 0
    if _UNIT_ONLY.match(text.strip()):
        return []
    for s, e, name in picked:
        if text[pos:s].strip(_SEP + " "):
            toks.append(_Tok(None, text[pos:s].strip(_SEP + " "), _sub_bbox(line, pos, s), line))
        toks.append(_Tok(name, text[s:e], _sub_bbox(line, s, e), line))
        pos = e
    if text[pos:].strip(_SEP + " "):
        toks.append(_Tok(None, text[pos:].strip(_SEP + " "), _sub_bbox(line, pos, len(text)), line))
    return toks


def line_lookup(pages: Iterable[Page], labels: dict[str, list[str]], below: bool = True,
                max_gap: float = 260.0) -> dict[str, Hit]:
    """Label → value on plain lines: the text after the label on its line, else the nearest value token to the
    right on the same row, else (below=True) the value token just below the label."""
    out: dict[str, Hit] = {}
    for page in pages:
        toks = [t for ln in page.lines for t in _tokens(ln, labels)]
        used: set[int] = set()
        for i, t in enumerate(toks):
            if t.name is None or t.name in out:
                continue
            j = i + 1
            if j < len(toks) and toks[j].name is None and toks[j].line is t.line and j not in used:
                out[t.name] = _hit(toks[j], page)
                used.add(j)
                continue
            right = [(k, u) for k, u in enumerate(toks) if k not in used and u.line is not t.line
                     and _near_row(u.bbox, t.bbox) and u.bbox[0] >= t.bbox[2] - 2 and u.bbox[0] - t.bbox[2] < max_gap]
            if right:
                k, u = min(right, key=lambda ku: ku[1].bbox[0])
                if u.name is None:
                    out[t.name] = _hit(u, page)
                    used.add(k)
                    continue
            if below:
                h = t.bbox[3] - t.bbox[1]
                down = [(k, u) for k, u in enumerate(toks) if k not in used and u.name is None
                        and 0 <= u.bbox[1] - t.bbox[3] < 2.5 * h and u.bbox[0] < t.bbox[2] + 40
                        and u.bbox[2] > t.bbox[0]]
                if down:
                    k, u = min(down, key=lambda ku: ku[1].bbox[1])
                    out[t.name] = _hit(u, page)
                    used.add(k)
    return out


def _hit(tok: _Tok, page: Page) -> Hit:
    return Hit(text=tok.text, page=page, bbox=tok.bbox, confidence=tok.line.confidence, engine=tok.line.engine)


def lookup(pages: list[Page], labels: dict[str, list[str]]) -> dict[str, Hit]:
    """Table cells first, then lines for what the tables did not give."""
    out = table_lookup(pages, labels)
    rest = {k: v for k, v in labels.items() if k not in out}
    if rest:
        out.update(line_lookup(pages, rest))
    return out


# ------------------------------------------------------------------ text search
def find_line(pages: Iterable[Page], pattern: str, flags: int = 0) -> tuple[re.Match, Hit] | None:
    """First line whose NFKC text matches `pattern` (searched per line)."""
    rx = re.compile(pattern, flags)
    for page in pages:
        for ln in page.lines:
            m = rx.search(nfkc(ln.text))
            if m:
                return m, Hit(ln.text, page, ln.bbox, ln.confidence, ln.engine)
    return None


def find_text(pages: Iterable[Page], pattern: str, flags: int = 0) -> tuple[re.Match, Hit] | None:
    """Search the joined text of each page (lines glued without separators, so wrapped sentences match)."""
    rx = re.compile(pattern, flags)
    for page in pages:
        lines = sorted(page.lines, key=lambda l: (round(l.bbox[1] / 4), l.bbox[0]))
        text = "".join(nfkc(l.text) for l in lines)
        m = rx.search(text)
        if m:
            # locate the line holding the match start
            pos, hit_line = 0, lines[0] if lines else None
            for ln in lines:
                if pos + len(nfkc(ln.text)) > m.start():
                    hit_line = ln
                    break
                pos += len(nfkc(ln.text))
            conf = min((l.confidence for l in lines), default=1.0) if page.ocr else 1.0
            if hit_line is not None:
                conf = hit_line.confidence
            return m, Hit(m.group(0), page, hit_line.bbox if hit_line else None, conf,
                          hit_line.engine if hit_line else engine_of(page))
    return None


def page_text(page: Page) -> str:
    lines = sorted(page.lines, key=lambda l: (round(l.bbox[1] / 4), l.bbox[0]))
    return "\n".join(nfkc(l.text) for l in lines)


def visual_rows(page: Page, lines: list[TextLine] | None = None, min_conf: float = 0.3) -> list[list[TextLine]]:
    """Lines grouped into visual rows (OCR boxes of one table row), each sorted left to right. A line joins a
    row when its centre is within ~half a line height of the row's mean centre; near-empty noise boxes
    (confidence < min_conf) are dropped so tall seal fragments do not glue rows together."""
    rows: list[list[TextLine]] = []
    src = lines if lines is not None else page.lines
    for ln in sorted((l for l in src if l.confidence >= min_conf), key=lambda l: _vcenter(l.bbox)):
        h = ln.bbox[3] - ln.bbox[1]
        for row in rows[-3:]:
            mc = sum(_vcenter(o.bbox) for o in row) / len(row)
            mh = min(o.bbox[3] - o.bbox[1] for o in row)
            if abs(_vcenter(ln.bbox) - mc) <= 0.5 * max(4.0, min(h, mh)):
                row.append(ln)
                break
        else:
            rows.append([ln])
    return [sorted(r, key=lambda l: l.bbox[0]) for r in rows]


def row_hit(page: Page, row: list[TextLine], sep: str = " ") -> Hit:
    b = (min(l.bbox[0] for l in row), min(l.bbox[1] for l in row), max(l.bbox[2] for l in row),
         max(l.bbox[3] for l in row))
    return Hit(sep.join(nfkc(l.text).strip() for l in row), page, b, min(l.confidence for l in row), row[0].engine)


def joined_text(pages: Iterable[Page]) -> str:
    """All text in reading order with no separators (table cells first where present, else rows)."""
    return "".join(re.sub(r"\s+", "", " ".join(l.text for l in row)) for p in pages for row in visual_rows(p))


def unit(page: Page) -> float:
    """Page units per point: 1 on a PDF page; an image file's page is in pixels (about 2-4 a point on a scan or
    photo of an A4 form), taken from its short side against an A4 page's 595 pt."""
    return max(1.0, min(page.width, page.height) / 595)


def labelled_date(pages: list[Page], label: str) -> tuple[object, Hit] | None:
    """(date or None, hit) after a date label (签署日期：, 日期：): on the label's row, or in the boxes just right
    of it (a date printed a little lower); a label standing alone gives (None, the label's hit with empty
    text), a located blank. None when the label is not on the pages, or when on a grey scan unread ink or a
    seal covers the blank (unread, not blank). Seal ring characters read on the row
    ('司', 'A') are no part of the date."""
    from pipeline.normalize import parse_date, squash
    rx = re.compile(label + r"[:：]?(.*)")
    for page in pages:
        for row in visual_rows(page):
            row = [l for l in row if re.search(r"[\d年月日期署〇一二三四五六七八九十]", squash(l.text))] or row
            h = row_hit(page, row, sep="")
            m = rx.search(squash(h.text))
            if not m:
                continue
            text, hit = m.group(1), h
            if not text:
                lab = row[-1]
                reach = 150.0 * unit(page)          # how far right of the label the date may stand
                right = sorted((l for l in page.lines if l.bbox[0] >= lab.bbox[2] - 2 and
                                _near_row(l.bbox, lab.bbox) and l.bbox[0] - lab.bbox[2] < reach
                                and re.search(r"[\d年月日〇一二三四五六七八九十]", squash(l.text))),
                               key=lambda l: l.bbox[0])
                if right:
                    hit = row_hit(page, right, sep="")
                    text = squash(hit.text)
                elif ink_in(page, (lab.bbox[2], lab.bbox[1], lab.bbox[2] + reach, lab.bbox[3])):
                    return None     # grey scan, ink or a seal over the blank: the date may lie unread there
            return parse_date(text) if text else None, Hit(text, page, hit.bbox, hit.confidence, hit.engine)
    return None