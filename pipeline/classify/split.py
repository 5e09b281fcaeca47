"""Group pages into Documents: consecutive pages of one kind and one subject; 申报书 split into sections."""
from __future__ import annotations

import posixpath
from difflib import SequenceMatcher

from models.provenance import DocKind, Document, Page
from pipeline.classify.cues import PageCues, cues_of
from pipeline.normalize import squash

# Kinds whose every title page begins a new document even for the same subject.
ONE_PAGE_KINDS = {DocKind.commitment_letter}
# Words of a 表二's product-table tail and sign-off: an untitled page holding them continues the 表二.
TABLE2_TAIL = ("自付费金额", "财政扶持金额", "产品总金额", "拟成交金额", "拟成交单价", "拟购数量", "产品明细表")


def similar(a: str | None, b: str | None, threshold: float = 0.85) -> bool:
    if not a or not b:
        return False
    return a == b or SequenceMatcher(None, a, b).ratio() >= threshold


def _new_doc(page: Page, cues: PageCues) -> Document:
    return Document(kind=cues.kind, section=cues.section, pages=[page.ref], text_layer=page.text_layer, ocr=page.ocr,
                    extra={"subject": cues.subject, "usccs": list(cues.usccs), "folder": posixpath.dirname(page.file)})


def _add(doc: Document, page: Page, cues: PageCues) -> None:
    doc.pages.append(page.ref)
    doc.text_layer = doc.text_layer and page.text_layer
    doc.ocr = doc.ocr or page.ocr
    if not doc.extra.get("subject") and cues.subject:
        doc.extra["subject"] = cues.subject
    doc.extra["usccs"] = list(dict.fromkeys(doc.extra["usccs"] + cues.usccs))


def _continues(doc: Document, page: Page, cues: PageCues, same_file: bool) -> bool:
    """Does `page` continue `doc`?"""
    if cues.kind == DocKind.other:
        # an untitled page continues what came before it in the same file (survey p2, a licence's back);
        # in the 申报书 only 表三-五 and a 表二 whose product table runs over (its tail words on the page)
        if same_file and doc.section == "table2":
            return any(w in squash(page.text) for w in TABLE2_TAIL)
        return same_file and doc.kind != DocKind.application_form or (same_file and doc.section == "tables345")
    if cues.kind == DocKind.audit_report and doc.kind == DocKind.tax_report and not cues.starts:
        return True      # the statements attached to a 汇算清缴 report are part of it
    if cues.kind != doc.kind:
        return False
    if doc.kind == DocKind.application_form:
        # one Document per section; every 表二 page stands alone, table1/tables345 run on
        return cues.section == doc.section and cues.section in ("table1", "tables345") or (
            cues.section == "table2" and doc.section == "table2" and not cues.names and not cues.usccs)
    subject = doc.extra.get("subject")
    if cues.subject and subject and not similar(cues.subject, subject):
        return False
    if cues.starts and doc.kind in ONE_PAGE_KINDS:
        return False
    if cues.starts and doc.kind == DocKind.audit_report and any(
            p[0] == page.file for p in doc.pages) and cues.page_no in (None, 1) and len(doc.pages) >= 2:
        return False
    return True


def split_pages(pages: list[Page]) -> list[Document]:
    """Pages in packet order (files sorted, pages ascending) → Documents."""
    docs: list[Document] = []
    cur: Document | None = None
    last: Page | None = None
    for page in pages:
        if page.error:
            continue
        cues = cues_of(page)
        same_file = last is not None and last.file == page.file
        if cur is not None and _continues(cur, page, cues, same_file) and (same_file or _may_cross_files(cur, page, cues)):
            _add(cur, page, cues)
        else:
            cur = _new_doc(page, cues)
            docs.append(cur)
        last = page
    return docs


def _may_cross_files(doc: Document, page: Page, cues: PageCues) -> bool:
    """A document split over several files: the next file in the same folder carries on without a title page,
    and names the same subject (or none)."""
    if posixpath.dirname(page.file) != doc.extra.get("folder"):
        return False
    if doc.kind == DocKind.application_form:
        return cues.section in ("table1", "tables345") and cues.section == doc.section
    if cues.kind == DocKind.other:
        return doc.kind in (DocKind.business_license, DocKind.audit_report, DocKind.financial_statements,
                            DocKind.tax_report, DocKind.survey_report, DocKind.implementation_plan)
    return not cues.starts
