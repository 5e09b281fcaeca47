"""申报书 sections: cover, 表一 (cluster information, 2 pages), 表二 (one per enterprise, with product rows)."""
from __future__ import annotations

import re

from extractors.base import (Hit, find_text, joined_text, labelled_date, lookup, make_field, nfkc, row_hit,
                             visual_rows)
from extractors.grid import header_columns, rows_from_lines, rows_from_table
from extractors.vocab import CHAINS, NATURES
from models.provenance import Document, Field, Page, Table, TextLine
from pipeline.normalize import SMALL_UNIT_ENDINGS, find_dates, parse_date, repair_total, squash, strict_number
from pipeline.read.ink import ink_in

TICK = "☑√✓✔■☒▣▇█"
_NAME_END = rf"(?:公司|分公司|厂|{SMALL_UNIT_ENDINGS}|中心|研究院|合作社|事务所)"


def _ticked(pages: list[Page], vocab: tuple[str, ...]) -> Hit | None:
    text = joined_text(pages)
    alts = "|".join(sorted(map(re.escape, vocab), key=len, reverse=True))
    m = re.search(f"[{TICK}]\\s*({alts})", text)
    if not m:
        # the tick glyph lost by OCR: the one item not preceded by an empty box, when all others are
        cells = [c.text for p in pages for t in p.tables for c in t.cells if sum(v in c.text for v in vocab) >= 3]
        text = "\n".join(cells) or text
        unticked = set(re.findall(f"[□☐口]\\s*({alts})", text))
        present = [v for v in vocab if v in text]
        rest = [v for v in present if v not in unticked and not any(v != u and v in u for u in present)]
        if len(rest) == 1 and len(unticked) >= len(vocab) - 2:
            found = find_text(pages, re.escape(rest[0]))
            if found:
                h = found[1]
                return Hit(rest[0], h.page, h.bbox, min(h.confidence, 0.8), h.engine)
        return None
    found = find_text(pages, re.escape(m.group(1)))
    page, bbox, conf = (found[1].page, found[1].bbox, found[1].confidence) if found else (pages[0], None, 1.0)
    return Hit(m.group(1), page, bbox, conf, found[1].engine if found else "pdfplumber")


def _set(doc: Document, name: str, hit: Hit | None, conv=lambda s: s, **kw) -> None:
    if hit is None:
        doc.fields[name] = make_field(name, None, None)
        return
    try:
        v = conv(hit.text)
    except (ValueError, TypeError):
        v = None
    doc.fields[name] = make_field(name, v, hit, **kw)


def _regex(pages: list[Page], pattern: str) -> Hit | None:
    """Search visual rows (spaces removed) for `pattern`; group 1 is the value."""
    rx = re.compile(pattern)
    for page in pages:
        for row in visual_rows(page):
            h = row_hit(page, row, sep="")
            m = rx.search(squash(h.text))
            if m and m.group(1):
                return Hit(m.group(1), page, h.bbox, h.confidence, h.engine)
    return None


def _reorder(name: str) -> str:
    """A wrapped name whose second line was read first ('司江门市…有限公'): put the piece back at the end."""
    if re.search(_NAME_END + "$", name):
        return name
    for k in (1, 2, 3):
        cand = name[k:] + name[:k]
        if re.search(_NAME_END + "$", cand):
            return cand
    return name


def _company(s: str) -> str | None:
    """A company name, or None when a seal or the scan cut it short (no company suffix)."""
    v = squash(s).replace("(", "（").replace(")", "）")
    return v if re.search(_NAME_END + "$", v) else None


# ------------------------------------------------------------------ cover
def extract_cover(doc: Document, pages: list[Page]) -> Document:
    _set(doc, "lead_name", _regex(pages, r"牵头单位[（(]?盖章[)）]?[:：]?(.{4,})"), _company)
    _set(doc, "cluster_name", _regex(pages, r"产业集群名称[:：]?(.{4,})"), squash)
    _set(doc, "application_date", _regex(pages, r"申报日期[:：]?(.+)"), parse_date)
    return doc


# ------------------------------------------------------------------ 表一
T1_LABELS = {"cluster_name": ["产业集群名称"], "lead_name": ["牵头单位"], "contact_name": ["姓名"],
             "contact_phone": ["手机"], "address": ["单位地址"], "project_total_wan": ["项目总投入额"],
             "subsidy_wan": ["财政扶持额度"], "period": ["项目起止时间"], "overview": ["产业集群概述"]}


def _block_right_of(pages: list[Page], label: str, start_after: str | None = None,
                    stop: str = r"^第\d+页") -> Hit | None:
    """Free text in the cell right of a label on an OCR page without a table: the lines right of the label,
    below the row matching `start_after`, above the page footer."""
    for page in pages:
        lab = next((l for l in page.lines if re.sub(r"\s+", "", nfkc(l.text)).startswith(label)), None)
        if lab is None:
            continue
        top = 0.0
        h = lab.bbox[3] - lab.bbox[1]
        if start_after:
            prev = [l for l in page.lines if re.search(start_after, squash(l.text)) and l.bbox[3] <= lab.bbox[1] + 0.2 * h]
            top = max((l.bbox[3] for l in prev), default=0.0)
        bottom = min((l.bbox[1] for l in page.lines if l.bbox[1] > lab.bbox[1] and re.search(stop, squash(l.text))),
                     default=page.height)
        lines = [l for l in page.lines if l.bbox[0] >= lab.bbox[2] - 5 and l.bbox[1] >= top - 0.3 * h
                 and l.bbox[3] <= bottom + 2 and not re.match(r"^第\s*\d+\s*页", squash(l.text))]
        ordered = [l for row in visual_rows(page, lines) for l in row]
        if ordered:
            return row_hit(page, ordered, sep="")
    return None


def _cell_text(pages: list[Page], label: str) -> Hit | None:
    for page in pages:
        for t in page.tables:
            for c in t.cells:
                if squash(c.text).startswith(label):
                    n = t.cell(c.row, c.col + c.colspan)
                    if n is not None and n.text.strip():
                        return Hit(n.text.strip(), page, n.bbox, n.confidence, t.engine)
    return None


def _text_height(page: Page) -> float:
    """The median height of the page's text lines (a seal's ring text is several times taller)."""
    hs = sorted(l.bbox[3] - l.bbox[1] for l in page.lines if l.text.strip())
    return hs[len(hs) // 2] if hs else 0.0


def _unread_row(rows: list[dict[str, Field]], role: str, sure: str, raw: str, page: Page | None = None,
                bbox: tuple | None = None) -> int | None:
    """The 序号 of an OCR'd row whose name could not be read (under seal ink, blurred): the block's next number,
    with ink beside it (a pre-numbered blank row is no row): characters read there, or on a grey scan unread
    ink or a seal over the name's place."""
    m = re.match(r"^(\d{1,2})(?!\d)", sure)
    prev = [r["seq"].value for r in rows if r["role"].value == role]
    if not m or int(m.group(1)) != (prev[-1] + 1 if prev else 1):
        return None
    rest = re.sub(r"^(?:参与单位|工业企业|服务商)+", "", raw)[len(m.group(1)):]
    if len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 2:
        return int(m.group(1))
    if page is not None and bbox is not None and ink_in(page, (bbox[2] + 20, bbox[1], bbox[2] + 220, bbox[3]), seals=True):
        return int(m.group(1))
    return None


def _party_rows(pages: list[Page]) -> list[dict[str, Field]]:
    rows, role = [], None
    for page in pages:
        tall = 2.5 * _text_height(page) if page.ocr else 0.0
        for row in visual_rows(page):
            if tall:   # OCR'd seal text over a row ('…有限' + a provider seal's '酒软件') is not part of the name
                row = [l for l in row if l.bbox[3] - l.bbox[1] <= tall] or row
            h = row_hit(page, row)
            t = squash(h.text)
            if "工业企业名称" in t:
                role = "enterprise"
                continue
            if "服务商名称" in t or ("序号" in t and role == "enterprise"):
                role = "provider"
                continue
            if role is None:
                continue
            t = re.sub(r"^(?:参与单位|工业企业|服务商)+", "", squash(" ".join(l.text for l in row if l.confidence >= 0.5)))
            t = re.sub(r"^(?:参与单位|工业企业|服务商)+", "", t)
            m = re.match(r"^(\d{1,2})([\u4e00-\u9fffA-Za-z（）()·]{4,60})$", t)
            if not m:
                seq = _unread_row(rows, role, t, squash(h.text), page, h.bbox) if page.ocr else None
                if seq is not None:   # counted, so the list is known to be incomplete; its name is unknown
                    rows.append({"role": make_field("role", role, h), "seq": make_field("seq", seq, h),
                                 "name": make_field("name", None, h)})
                continue
            name = m.group(2).replace("(", "（").replace(")", "）")
            complete = re.search(_NAME_END + "$", name) is not None
            rows.append({"role": make_field("role", role, h), "seq": make_field("seq", int(m.group(1)), h),
                         "name": make_field("name", name, h, confidence=h.confidence if complete else
                                            min(h.confidence, 0.5))})
    return rows


def _kpis(pages: list[Page]) -> tuple[list[str], list[str]]:
    """Targets after '量化指标（%）：' — on the same line, in the next box on the row, or on the line below."""
    got, seen = [], []
    for page in pages:
        # cell text without line breaks: the label and its number wrap ("…量化\n指标（%）\n：20")
        blocks = [re.sub(r"\s+", "", c.text) for t in page.tables for c in t.cells
                  if "量化指标" in re.sub(r"\s+", "", c.text)]
        if blocks:   # table cells: the number may wrap onto the next line of the cell
            for b in blocks:
                for m in re.finditer(r"量化指标[（(]%[)）][:：]?\s*(\d+(?:\.\d+)?)?", nfkc(b)):
                    seen.append(m.group(0))
                    if m.group(1):
                        got.append(m.group(1))
            continue
        for ln in page.lines:
            t = nfkc(ln.text)
            m = re.search(r"量化指标[（(]%[)）][:：]?\s*(\d+(?:\.\d+)?)?", t)
            if not m:
                continue
            seen.append(m.group(0))
            if m.group(1):
                got.append(m.group(1))
                continue
            h = ln.bbox[3] - ln.bbox[1]
            near = [o for o in page.lines if o is not ln and (
                (abs((o.bbox[1] + o.bbox[3]) / 2 - (ln.bbox[1] + ln.bbox[3]) / 2) < 0.5 * h and 0 <= o.bbox[0] - ln.bbox[2] < 40)
                or (-0.3 * h <= o.bbox[1] - ln.bbox[3] < 1.2 * h and abs(o.bbox[0] - ln.bbox[0]) < 3 * h))]
            for o in sorted(near, key=lambda o: o.bbox[1]):
                n = re.match(r"\s*(\d+(?:\.\d+)?)\s*%?$", nfkc(o.text))
                if n:
                    got.append(n.group(1))
                    break
    return got, seen


def extract_table1(doc: Document, pages: list[Page]) -> Document:
    hits = lookup(pages, T1_LABELS)
    _set(doc, "cluster_name", hits.get("cluster_name"), squash)
    _set(doc, "lead_name", hits.get("lead_name"), _company)
    _set(doc, "contact_name", hits.get("contact_name"), squash)
    _set(doc, "contact_phone", hits.get("contact_phone"), lambda s: re.sub(r"\D", "", nfkc(s)) or None)
    _set(doc, "address", hits.get("address"), squash)
    _set(doc, "project_total_wan", hits.get("project_total_wan"), _wan)
    _set(doc, "subsidy_wan", hits.get("subsidy_wan"), _wan)
    period = hits.get("period")
    dates = find_dates(period.text) if period else []
    doc.fields["project_start"] = make_field("project_start", dates[0] if dates else None, period)
    doc.fields["project_end"] = make_field("project_end", dates[1] if len(dates) > 1 else None, period)
    _set(doc, "chain", _ticked(pages, CHAINS))
    _set(doc, "lead_nature", _ticked(pages, NATURES))
    text = joined_text(pages)
    q, any_kpi = _kpis(pages)
    hk = find_text(pages, r"量化指标")
    hk = hk[1] if hk else None
    doc.fields["kpis_quantified"] = make_field("kpis_quantified", len(q) if any_kpi else None, hk,
                                               raw=";".join(q))
    m = re.search(r"预计(\d+)家企业数字化水平达到二级", text)
    hl = find_text(pages, r"家企业数字化水平")
    hl = hl[1] if hl else None
    doc.fields["level2_count"] = make_field("level2_count", int(m.group(1)) if m else None, hl)
    ov = _cell_text(pages, "产业集群概述") or _block_right_of(pages, "产业集群概述", r"二级")
    ov_text = squash(ov.text) if ov else None
    doc.fields["overview"] = make_field("overview", ov_text, ov)
    doc.fields["overview_chars"] = make_field("overview_chars", len(ov_text) if ov_text else None, ov)
    doc.rows = _party_rows(pages)
    return doc


# ------------------------------------------------------------------ 表二
T2_LABELS = {"name": ["单位名称"], "uscc": ["统一社会信用代码"], "established": ["成立时间", "成立日期"],
             "registered_capital_wan": ["注册资本（万元）", "注册资本"], "contact_name": ["姓名"],
             "contact_phone": ["手机"], "address": ["单位地址"],
             "revenue_2024_wan": ["2024年主营业务收入（万元）", "2024年主营业务收入", "主营业务收入（万元）"],
             "employees": ["员工总数（人）", "员工总数"], "product_total": ["产品总金额"],
             "subsidy": ["申请产品财政扶持金额"], "self_pay": ["申请产品自付费金额"]}
COLS = {"seq": "序号", "name": "产品名称", "supplier": "供应商", "unit_price": "单价", "quantity": "数量",
        "amount": "金额"}


def _num(s: str) -> float | None:
    return strict_number(s)


def _wan(s: str) -> float | None:
    """A 万元 cell: '204.55万元' or '204.55'; a sentence with digits in it is not a value."""
    v = strict_number(s)
    return None if v is None else round(v, 6)


def _qty(s: str) -> float | None:
    v = strict_number(s)
    return None if v is None else (int(v) if float(v).is_integer() else v)


def _products_from_table(page: Page, t: Table, carried=None) -> list[dict[str, Hit]] | None:
    return rows_from_table(page, t, COLS, r"总金额|合计", carried)


def _products_from_lines(page: Page) -> list[dict[str, Hit]]:
    return rows_from_lines(page, COLS, r"产品总金额|合计")


def _products(pages: list[Page]) -> tuple[list[dict[str, Field]], list[Hit | None]]:
    raw: list[dict[str, Hit]] = []
    carried = None            # the product table's columns, for its continuation on the next page
    for page in pages:
        got = None
        for t in page.tables:
            got = _products_from_table(page, t, carried)
            if got is not None:
                found = header_columns(t, COLS)
                carried = (found[0], t.n_cols) if found else carried
                break
        raw += got if got is not None else _products_from_lines(page)
    rows = []
    for r in raw:
        name = r.get("name")
        amount = r.get("amount")
        if not (name and name.text.strip()) and not (amount and amount.text.strip()):
            continue   # an empty numbered row
        f = {"seq": make_field("seq", _qty(r["seq"].text) if r.get("seq") else None, r.get("seq")),
             "name": make_field("name", nfkc(name.text).replace("\n", "").strip() if name else None, name),
             "supplier": make_field("supplier", _reorder(squash(r["supplier"].text)) if r.get("supplier") else None,
                                    r.get("supplier")),
             "unit_price": make_field("unit_price", _num(r["unit_price"].text) if r.get("unit_price") else None,
                                      r.get("unit_price")),
             "quantity": make_field("quantity", _qty(r["quantity"].text) if r.get("quantity") else None,
                                    r.get("quantity")),
             "amount": make_field("amount", _num(amount.text) if amount else None, amount)}
        rows.append(f)
    return rows, []


def _repair_amounts(doc: Document, ocr: bool) -> None:
    """On OCR'd pages one garbled amount can be restored from 产品总金额 (and unit price × quantity)."""
    total = doc.fields.get("product_total")
    if not ocr or not doc.rows or total is None or total.value is None:
        return
    amounts = [r["amount"].value for r in doc.rows]
    expected = [r["unit_price"].value * r["quantity"].value
                if r["unit_price"].value is not None and isinstance(r["quantity"].value, (int, float)) else None
                for r in doc.rows]
    new, new_total, note = repair_total(amounts, total.value, expected=expected)
    if not note:
        return
    for r, v in zip(doc.rows, new):
        f = r["amount"]
        if f.value != v and (f.value is None or f.confidence < 0.995):
            r["amount"] = f.model_copy(update={"value": v, "repaired": note})
    if new_total != total.value and total.confidence < 0.995:
        doc.fields["product_total"] = total.model_copy(update={"value": new_total, "repaired": note})


def extract_table2(doc: Document, pages: list[Page]) -> Document:
    hits = lookup(pages, T2_LABELS)
    from pipeline.normalize import repair_uscc
    _set(doc, "name", hits.get("name"), _company)
    h = hits.get("uscc")
    code, note = repair_uscc(h.text, ocr=h.engine != "pdfplumber") if h else (None, None)
    doc.fields["uscc"] = make_field("uscc", code, h, repaired=note)
    _set(doc, "established", hits.get("established"), parse_date)
    _set(doc, "registered_capital_wan", hits.get("registered_capital_wan"), _wan)
    _set(doc, "contact_name", hits.get("contact_name"), squash)
    _set(doc, "contact_phone", hits.get("contact_phone"), lambda s: re.sub(r"\D", "", nfkc(s)) or None)
    _set(doc, "address", hits.get("address"), lambda s: squash(s).replace("(", "（").replace(")", "）"))
    _set(doc, "revenue_2024_wan", hits.get("revenue_2024_wan"), _wan)
    _set(doc, "employees", hits.get("employees"), lambda s: int(strict_number(s)) if strict_number(s) is not None else None)
    for k in ("product_total", "subsidy", "self_pay"):
        _set(doc, k, hits.get(k), _num)
    _set(doc, "nature", _ticked(pages, NATURES))
    # 日期：the date, or a located blank (the label alone on its row, nothing dated beside it)
    sd = labelled_date(pages, r"(?<![\u4e00-\u9fff])日期[:：]")
    doc.fields["sign_date"] = make_field("sign_date", sd[0] if sd else None, sd[1] if sd else None,
                                         raw=sd[1].text if sd else None)
    ov = _cell_text(pages, "项目概述") or _block_right_of(pages, "项目概述", r"日期[:：]", r"拟申请|产品明细|^序号")
    if ov is not None:
        text = re.split(r"拟申请联合体|序号", squash(ov.text))[0]
        doc.fields["overview"] = make_field("overview", text or None, ov)
    else:
        doc.fields["overview"] = make_field("overview", None, None)
    doc.rows, _ = _products(pages)
    _repair_amounts(doc, any(p.ocr for p in pages))
    return doc
