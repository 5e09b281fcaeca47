"""Numbers in financial statements: the values that follow a row label (资产总计 …) in a table row, a text line
or a chain of OCR boxes along a skewed row, and which column (期末/本期 …) each one is."""
from __future__ import annotations

import re

from extractors.base import Hit, nfkc
from models.provenance import Page, TextLine
from pipeline.normalize import repair_separators, squash

NUM_RE = re.compile(r"^[(（-]?\d{1,3}(?:[,，]\d{3})*(?:\.\d+)?[)）]?$|^[(（-]?\d+(?:\.\d+)?[)）]?$|^-$|^—$")
_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|[减加其][：:]|其中[：:]|\d+\.|[（(][一二三四五六七八九十]+[)）])")

LABELS = {
    "total_assets": [r"资产总计", r"资产合计", r"资产总额"],
    "total_liabilities": [r"负债合计", r"负债总计", r"负债总额"],
    "total_equity": [r"所有者权益[（(]?或?股东权益[)）]?合计", r"所有者权益合计", r"股东权益合计", r"净资产合计"],
    "total_liabilities_and_equity": [r"负债和所有者权益[（(]?或?股东权益[)）]?总计", r"负债和所有者权益总计",
                                     r"负债及所有者权益总计", r"负债和股东权益总计", r"负债和所有者权益合计"],
    "revenue": [r"营业收入", r"营业总收入", r"主营业务收入"],
}


def to_number(text: str) -> float | None:
    t = repair_separators(nfkc(text).replace(" ", "").replace("，", ","))[0]
    if t in ("-", "—", "--"):
        return 0.0
    neg = t.startswith(("(", "-")) and (t.endswith(")") or t.startswith("-"))
    t = t.strip("()-")
    try:
        v = float(t.replace(",", ""))
    except ValueError:
        return None
    return -v if neg else v


def _is_num(text: str) -> bool:
    return bool(NUM_RE.match(repair_separators(nfkc(text).replace(" ", ""))[0]))


def _label_of(text: str, patterns: list[str]) -> bool:
    t = _PREFIX.sub("", squash(text).replace("(", "（").replace(")", "）"))
    t = t.rstrip("：:")
    return any(re.fullmatch(p.replace("(", "（").replace(")", "）").replace("[（（]", "[（(]").replace("[)）]", "[)）]"), t)
               for p in patterns)


def _chain(page: Page, start: TextLine) -> list[TextLine]:
    """Boxes to the right of `start` along its row, following a slight skew box by box."""
    out, cur = [], start
    pool = [l for l in page.lines if l is not start]
    while True:
        h = max(4.0, cur.bbox[3] - cur.bbox[1])
        cy = (cur.bbox[1] + cur.bbox[3]) / 2
        nxt = [l for l in pool if l.bbox[0] >= cur.bbox[2] - 3 and l.bbox[0] - cur.bbox[2] < 0.45 * page.width
               and abs((l.bbox[1] + l.bbox[3]) / 2 - cy) < 0.6 * h]
        if not nxt:
            return out
        cur = min(nxt, key=lambda l: l.bbox[0])
        out.append(cur)
        pool.remove(cur)


def row_values(pages: list[Page], patterns: list[str]) -> list[tuple[list[Hit], Page, list[str]]]:
    """For each occurrence of a row label: the numbers after it (until the next text), and the texts of the
    row's header (the column heads above those numbers, best effort)."""
    found = []
    for page in pages:
        for t in page.tables:
            for c in t.cells:
                if _label_of(c.text, patterns):
                    vals, col = [], c.col + c.colspan
                    while col < t.n_cols:
                        n = t.cell(c.row, col)
                        if n is None:
                            break
                        if not _is_num(n.text) and n.text.strip():
                            break
                        if n.text.strip():
                            vals.append(Hit(n.text.strip(), page, n.bbox, n.confidence, t.engine))
                        col = n.col + n.colspan
                    heads = [(t.cell(r, c.col + 1 + i).text if t.cell(r, c.col + 1 + i) else "")
                             for r in range(0, min(2, c.row)) for i in range(len(vals) or 1)]
                    found.append((vals, page, _head_cells(t, c, vals)))
        if found:
            continue
        for ln in page.lines:
            text = nfkc(ln.text).strip()
            toks = text.split()
            # a text line 'label n1 n2 label2 n3 n4' (text layer) …
            for i in range(len(toks)):
                for j in range(i + 1, min(len(toks), i + 4) + 1):
                    if _label_of("".join(toks[i:j]), patterns) and (j == len(toks) or _is_num(toks[j])):
                        vals = []
                        for tok in toks[j:]:
                            if not _is_num(tok):
                                break
                            vals.append(Hit(tok, page, ln.bbox, ln.confidence, ln.engine))
                        if vals:
                            found.append((vals, page, []))
                        break
            # … or an OCR box holding just the label, its numbers in boxes along the row
            if _label_of(text, patterns):
                vals = []
                for b in _chain(page, ln):
                    if not _is_num(b.text):
                        break
                    vals.append(Hit(nfkc(b.text).replace(" ", ""), page, b.bbox, b.confidence, b.engine))
                if vals:
                    found.append((vals, page, []))
    return found


def _head_cells(t, c, vals) -> list[str]:
    heads = []
    for v in vals:
        col = None
        for cell in t.cells:
            if cell.bbox == v.bbox:
                col = cell.col
        texts = [h.text for h in t.cells if h.col == col and h.row < c.row and h.text.strip()]
        heads.append(squash(texts[0]) if texts else "")
    return heads


END_WORDS = ("期末", "年末余额", "本期", "本年", "年末数", "期末数", "本年累计", "本年金额", "本期金额")
BEGIN_WORDS = ("上年", "年初", "上期", "期初")
_HEAD_RE = re.compile(r"(上年年末余额|上年年末数|上年同期|上年金额|上年数|上期金额|上期数|年初余额|年初数|期初余额|期初数)|"
                      r"(期末余额|年末余额|本期金额|本年金额|本年累计|本期数|期末数|年末数)")


def current_index(pages: list[Page]) -> int:
    """Whether the current-period column comes first (0) or second (1) after a row label, read from the
    column heads ('期末余额 上年年末余额' → 0, '年初余额 期末余额' → 1)."""
    for page in pages:
        heads = []   # (x, is_current) for each column head found in a line or box
        for ln in page.lines:
            t = squash(ln.text)
            ms = list(_HEAD_RE.finditer(t))
            for m in ms:
                x = ln.bbox[0] + (ln.bbox[2] - ln.bbox[0]) * m.start() / max(1, len(t))
                heads.append((x, m.group(2) is not None))
        cur = [x for x, c in heads if c]
        old = [x for x, c in heads if not c]
        if cur and old:
            return 0 if min(cur) < min(old) else 1
    return 0


def pick(pages: list[Page], field: str, index: int | None = None) -> Hit | None:
    """The current-period value of one statement row."""
    occ = [o for o in row_values(pages, LABELS[field]) if o[0]]   # a label whose values went unread gives none
    if not occ:
        return None
    vals, page, heads = occ[0]
    if heads and any(heads):
        for h, v in zip(heads, vals):
            if any(w in h for w in END_WORDS) and not any(w in h for w in BEGIN_WORDS):
                return v
    i = current_index([page]) if index is None else index
    return vals[i] if i < len(vals) else vals[0]
