"""Extractors: one per document kind, on models.provenance.Page objects (text-layer or OCR alike).

    extract(doc, pages) -> doc         fills doc.fields / doc.rows (typed Field with Evidence)
    identify(pages) -> dict            names and credit codes seen on pages (to tie documents to parties)
    build_nlp(party_names, extra_patterns) -> spacy Language
"""
from __future__ import annotations

import re
from typing import Callable

from extractors.application import extract_cover, extract_table1, extract_table2
from extractors.finance import extract_audit, extract_statements, extract_tax
from extractors.license import extract_license
from extractors.nlp import build_nlp
from extractors.texts import extract_commitment, extract_plan, extract_survey
from models.provenance import DocKind, Document, Page
from pipeline.normalize import SMALL_UNIT_ENDINGS, find_usccs, norm_name, squash
from pipeline.normalize.uscc import REGNO_RE

__all__ = ["extract", "identify", "build_nlp"]

SECTIONS: dict[str, Callable[[Document, list[Page]], Document]] = {
    "cover": extract_cover, "table1": extract_table1, "table2": extract_table2,
}
KINDS: dict[DocKind, Callable[[Document, list[Page]], Document]] = {
    DocKind.business_license: extract_license,
    DocKind.audit_report: extract_audit,
    DocKind.tax_report: extract_tax,
    DocKind.financial_statements: extract_statements,
    DocKind.commitment_letter: extract_commitment,
    DocKind.survey_report: extract_survey,
    DocKind.implementation_plan: extract_plan,
}


def extract(doc: Document, pages: list[Page]) -> Document:
    """Fill doc.fields and doc.rows from `pages` (the document's pages, in reading order). Pages that belong to
    the document are selected by doc.pages when more are given. An extractor error is recorded in
    doc.extra['extract_error'] and the document comes back with what it had (nothing is lost)."""
    wanted = set(doc.pages)
    mine = [p for p in pages if (p.file, p.index) in wanted] or pages
    if doc.kind == DocKind.application_form:
        fn = SECTIONS.get(doc.section or "")
        if fn is None:
            return doc
    else:
        fn = KINDS.get(doc.kind)
        if fn is None:
            return doc
    try:
        return fn(doc, mine)
    except Exception as e:  # one bad page must not sink the review
        doc.extra["extract_error"] = f"{type(e).__name__}: {e}"
        return doc


COMPANY = re.compile(r"[\u4e00-\u9fa5（）()·]{2,40}?(?:股份有限公司|有限责任公司|有限公司|分公司|合伙企业|集团公司|"
                     rf"{SMALL_UNIT_ENDINGS}|合作社)(?:[\u4e00-\u9fa5]{{2,8}}分公司)?")
_SUBJECT = re.compile(r"(?:名称|单位名称|企业名称|编制单位|承诺方[（(]?盖章[)）]?|纳税人名称|被审计单位|牵头单位[（(]?盖章[)）]?|"
                      r"我们审计了|称)[:：]?")
_NOT_PARTY = ("会计师事务所", "市场监督管理局", "工商行政管理局", "工业和信息化局", "税务师事务所", "人民政府")


def identify(pages: list[Page]) -> dict:
    """{'names': company names in reading order (normalised, no repeats, not auditors/authorities),
    'usccs': valid (or uniquely repaired) credit codes, 'reg_nos': old 15-digit 注册号,
    'subject': the name given after a label such as 名称/编制单位/承诺方 (best guess of whose document)}."""
    names: list[str] = []
    subject = None
    texts = []
    for p in pages:
        for ln in sorted(p.lines, key=lambda l: (l.bbox[1], l.bbox[0])):
            texts.append(squash(ln.text))
    for t in texts:
        for m in COMPANY.finditer(t):
            n = norm_name(m.group())
            n = re.sub(r"^(?:名称|单位名称|企业名称|编制单位|承诺方（盖章）|牵头单位（盖章）|我们审计了|称|[:：])+", "", n)
            if any(w in n for w in _NOT_PARTY) or len(n) < 5:
                continue
            if n not in names:
                names.append(n)
            if subject is None and _SUBJECT.search(t[:max(0, m.start()) + 1] if m.start() else t[:12]):
                subject = n
    text = "\n".join(texts)
    regs = [m.group() for m in REGNO_RE.finditer(text) if len(m.group()) == 15]
    return {"names": names, "usccs": find_usccs(text), "reg_nos": list(dict.fromkeys(regs)),
            "subject": subject or (names[0] if names else None)}
