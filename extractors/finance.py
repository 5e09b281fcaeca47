"""审计报告, 企业所得税汇算清缴鉴证报告 and the monthly 财务报表."""
from __future__ import annotations

import re

from extractors.base import Hit, find_line, find_text, joined_text, lookup, make_field, nfkc
from extractors.nlp import opinion_of
from extractors.statements import LABELS, current_index, pick, row_values, to_number
from models.provenance import Document, Page
from pipeline.normalize import repair_separators, squash

FIRM_RE = r"([\u4e00-\u9fff]{2,30}(?:会计师事务所|税务师事务所)(?:[（(][\u4e00-\u9fff]{2,12}[)）]|有限责任公司|有限公司)?)"
REPORT_NO_RE = r"([\u4e00-\u9fff]{1,8}[审鉴税][字证]?[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*第?\s*[0-9A-Za-z\-]+\s*号)"
_CO = r"([\u4e00-\u9fff（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|合伙企业|集团公司|厂|合作社|商行|经营部)" \
      r"(?:[\u4e00-\u9fff]{2,8}分公司)?)"
ENTITY_PATTERNS = (r"我们审计了" + _CO + r"(?:[（(]以下简称|的?财务报表|财务报表)",
                   r"我们(?:接受委托|受托)?[，,]?对" + _CO + r"(?:\d{4}年度|的)",
                   r"(?:被审计单位|编制单位|纳税人名称|被鉴证单位)[:：]\s*" + _CO)


def _text_hit(pages: list[Page], pattern: str, per_line: bool = False) -> Hit | None:
    found = find_line(pages, pattern) if per_line else find_text(pages, pattern)
    if not found:
        return None
    m, hit = found
    return Hit(m.group(1), hit.page, hit.bbox, hit.confidence, hit.engine)


def _entity(pages: list[Page]) -> Hit | None:
    for p in ENTITY_PATTERNS:
        h = _text_hit(pages, p)
        if h is not None:
            name = squash(h.text).replace("(", "（").replace(")", "）")
            if re.search(r"(公司|厂|企业|合作社|商行|经营部|中心)$", name):
                return Hit(name, h.page, h.bbox, h.confidence, h.engine)
    return None


def _fiscal_year(pages: list[Page]) -> Hit | None:
    for p in (r"(\d{4})年12月31日的资产负债表", r"(\d{4})年度(?:的)?(?:利润表|财务报表|企业所得税)",
              r"税款所属(?:期间|时期)[:：]?(\d{4})年0?1月0?1日", r"(\d{4})年度"):
        h = _text_hit(pages, p)
        if h is not None:
            return h
    return None


def _money_field(doc: Document, name: str, hit: Hit | None) -> None:
    note = repair_separators(hit.text)[1] if hit else None
    doc.fields[name] = make_field(name, to_number(hit.text) if hit else None, hit, repaired=note)


def extract_audit(doc: Document, pages: list[Page]) -> Document:
    f = doc.fields
    ent = _entity(pages)
    f["entity"] = make_field("entity", ent.text if ent else None, ent)
    firm = _text_hit(pages, FIRM_RE, per_line=True)
    f["firm"] = make_field("firm", squash(firm.text).replace("(", "（").replace(")", "）") if firm else None, firm)
    no = _text_hit(pages, REPORT_NO_RE, per_line=True)
    f["report_no"] = make_field("report_no", re.sub(r"\s+", "", no.text) if no else None, no)
    fy = _fiscal_year(pages)
    f["fiscal_year"] = make_field("fiscal_year", int(fy.text) if fy else None, fy)
    op, hit = opinion_of(pages)
    f["opinion"] = make_field("opinion", op, hit)
    _balance_sheet(doc, pages)
    is_ = [p for p in pages if re.search(r"利润表|损益表", joined_text([p])[:80])] or pages
    _money_field(doc, "revenue", pick(is_, "revenue"))
    return doc


def _balance_sheet(doc: Document, pages: list[Page], required: bool = False) -> None:
    """资产总计 / 负债合计 / 所有者权益合计 / 负债和所有者权益总计 from the 资产负债表 page(s); with `required`, a
    document without a 资产负债表 page gets no totals (a 汇算清缴 report may attach none)."""
    bs = [p for p in pages if re.search(r"资产负债表", joined_text([p])[:80])]
    if not bs and required:
        return
    for name in ("total_assets", "total_liabilities", "total_equity", "total_liabilities_and_equity"):
        _money_field(doc, name, pick(bs or pages, name))


def extract_tax(doc: Document, pages: list[Page]) -> Document:
    f = doc.fields
    ent = _entity(pages)
    if ent is None:
        hits = lookup(pages, {"entity": ["纳税人名称", "被鉴证单位", "纳税人"]})
        ent = hits.get("entity")
    f["entity"] = make_field("entity", squash(ent.text) if ent else None, ent)
    fy = _fiscal_year(pages)
    f["fiscal_year"] = make_field("fiscal_year", int(fy.text) if fy else None, fy)
    firm = _text_hit(pages, FIRM_RE, per_line=True)
    f["firm"] = make_field("firm", squash(firm.text) if firm else None, firm)
    no = _text_hit(pages, REPORT_NO_RE, per_line=True)
    f["report_no"] = make_field("report_no", re.sub(r"\s+", "", no.text) if no else None, no)
    _money_field(doc, "revenue", pick(pages, "revenue"))
    _balance_sheet(doc, pages, required=True)
    return doc


MONTH_RE = re.compile(r"(?<![\d\-~至])(\d{4})\s*[年\-./]\s*(\d{1,2})\s*月?(?!\s*\d{0,2}\s*日)(?!\s*[\-~至—]\s*\d)(?!\d)")


def _months(pages: list[Page]) -> tuple[list[str], Hit | None]:
    """Months covered: column heads (2025年1月 … 2025年6月) or one statement per month."""
    months: list[str] = []
    first: Hit | None = None
    for page in pages:
        texts = [(c.text, c.bbox, c.confidence) for t in page.tables for c in t.cells] or \
                [(l.text, l.bbox, l.confidence) for l in page.lines]
        texts += [(l.text, l.bbox, l.confidence) for l in page.lines]
        for text, bbox, conf in texts:
            t = nfkc(text)
            if re.search(r"\d{4}年\d{1,2}\s*[-—~至]\s*\d{1,2}月", t):   # '2025年1-6月' title: not a column
                t = re.sub(r"\d{4}年\d{1,2}\s*[-—~至]\s*\d{1,2}月", "", t)
            for m in MONTH_RE.finditer(t):
                mo = int(m.group(2))
                if 1 <= mo <= 12:
                    key = f"{int(m.group(1)):04d}-{mo:02d}"
                    if key not in months:
                        months.append(key)
                        first = first or Hit(text, page, bbox, conf, page.lines[0].engine if page.lines else "")
    return sorted(months), first


def extract_statements(doc: Document, pages: list[Page]) -> Document:
    f = doc.fields
    ent = _entity(pages)
    f["entity"] = make_field("entity", ent.text if ent else None, ent)
    months, mh = _months(pages)
    f["months"] = make_field("months", months or None, mh, raw=",".join(months))
    for name in ("total_assets", "total_liabilities", "total_equity", "total_liabilities_and_equity", "revenue"):
        occ = row_values(pages, LABELS[name])
        if not occ:
            f[name] = make_field(name, None, None)
            continue
        vals = occ[-1][0]           # the latest statement when there is one per month
        n = len(months)
        # monthly columns: the latest month's value (column n-1); a trailing 本年累计 is skipped
        if n >= 2 and len(occ) == 1 and len(vals) < n:
            # a month's cell was not read: the columns cannot be aligned, so no value (a first-month figure
            # beside a last-month one made balanced sheets look unbalanced)
            f[name] = make_field(name, None, None, raw=" ".join(v.text for v in vals))
            continue
        hit = vals[n - 1] if n and len(vals) >= n and len(occ) == 1 else vals[current_index([occ[-1][1]])
                                                                           if len(vals) == 2 else 0]
        f[name] = make_field(name, to_number(hit.text), hit)
    return doc
