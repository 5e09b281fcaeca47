"""Render every document of a packet (digital form first), in scan order."""
from __future__ import annotations

import hashlib
import io
import re
import random
from dataclasses import dataclass, field

from PIL import Image

from . import vocab as V
from .docs_fin import audit_report, statements, tax_report
from .docs_form import application_form
from .docs_other import commitment_letter, implementation_plan, survey_report
from .flow import Rendered, SealMark, set_font
from .fonts import CID, FONT
from .license import K, render_license
from .model import PacketSpec, Party

SHORT = {"application_form": "application", "survey_report": "survey", "implementation_plan": "plan",
         "business_license": "license", "audit_report": "audit", "tax_report": "audit",
         "financial_statements": "statements", "commitment_letter": "commitment"}


@dataclass
class Doc:
    kind: str
    party: Party | None
    rendered: Rendered | None = None                  # PDF documents
    images: list[Image.Image] = field(default_factory=list)   # licence pages (K px per point)
    marks: list[SealMark] = field(default_factory=list)
    copy_of: str | None = None                         # uscc of the party whose page was appended

    @property
    def n_pages(self) -> int:
        return len(self.images) if self.images else len(self.rendered.sizes)

    @property
    def short(self) -> str:
        return SHORT[self.kind]


def _license(spec: PacketSpec, p: Party, cache: dict) -> tuple[Image.Image, list[SealMark]]:
    if p.key not in cache:
        rng = random.Random(f"{spec.seed}-lic-{p.key}")
        word = V.CHAINS.get(spec.chain, ("", ["制品"]))[1][0]
        im, marks = render_license(p, rng, word)
        cache[p.key] = (im, [SealMark(1, bb, t, k, p.key, slot) for bb, t, k, slot in marks])
    return cache[p.key]


def render_all(spec: PacketSpec) -> list[Doc]:
    try:
        return _render_all(spec)
    finally:
        set_font(FONT)


def _font(spec: PacketSpec, what: str) -> None:
    """About half the documents use the non-embedded CID font (smaller files, a different text layer)."""
    set_font(CID if random.Random(f"{spec.seed}-font-{what}").random() < 0.5 else FONT)


def _render_all(spec: PacketSpec) -> list[Doc]:
    missing = set(spec.extras.get("missing", []))
    set_font(FONT)
    docs = [Doc("application_form", None, application_form(spec, random.Random(spec.seed + 11)))]
    _font(spec, "survey")
    if "survey_report" not in missing:
        docs.append(Doc("survey_report", None, survey_report(spec)))
    if "implementation_plan" not in missing:
        docs.append(Doc("implementation_plan", None, implementation_plan(spec)))
    for d in docs:
        d.marks = d.rendered.seals
    lic_cache: dict = {}
    stmt_cache: dict = {}
    for p in spec.parties:
        rng = random.Random(f"{spec.seed}-{p.key}")
        miss = set(p.hints.missing_docs)
        if "business_license" not in miss:
            im, marks = _license(spec, p, lic_cache)
            d = Doc("business_license", p, images=[im], marks=list(marks))
            if p.hints.dup_license_of:
                src = spec.party(p.hints.dup_license_of)
                d.images.append(_license(spec, src, lic_cache)[0])
                d.copy_of = src.uscc
            docs.append(d)
        _font(spec, p.key)
        if "audit_report" not in miss:
            r = (tax_report if p.hints.audit_kind == "tax_report" else audit_report)(p, rng)
            docs.append(Doc(p.hints.audit_kind, p, r, marks=r.seals))
        if "financial_statements" not in miss:
            r = stmt_cache.setdefault(p.key, statements(p, random.Random(f"{spec.seed}-st-{p.key}")))
            d = Doc("financial_statements", p, r)
            if p.hints.dup_statements_of:
                src = spec.party(p.hints.dup_statements_of)
                s = stmt_cache.setdefault(src.key, statements(src, random.Random(f"{spec.seed}-st-{src.key}")))
                d.rendered = concat_rendered(r, s)
                d.copy_of = src.uscc
            docs.append(d)
        if "commitment_letter" not in miss:
            r = commitment_letter(spec, p, rng)
            docs.append(Doc("commitment_letter", p, r, marks=r.seals))
    return docs


def concat_rendered(a: Rendered, b: Rendered) -> Rendered:
    return Rendered(pdf=concat_pdfs([a.pdf, b.pdf]), sizes=a.sizes + b.sizes, seals=list(a.seals))


def pdfium_bytes(doc) -> bytes:
    """Save a pypdfium2 document with its timestamp and random /ID made deterministic (same byte lengths)."""
    buf = io.BytesIO()
    doc.save(buf)
    data = re.sub(rb"/CreationDate\(D:\d{14}", b"/CreationDate(D:20250101000000", buf.getvalue())
    pat = rb"/ID\[<[0-9A-F]{32}><[0-9A-F]{32}>\]"
    digest = hashlib.md5(re.sub(pat, b"", data)).hexdigest().upper().encode()
    return re.sub(pat, b"/ID[<" + digest + b"><" + digest + b">]", data)


def concat_pdfs(pdfs: list[bytes]) -> bytes:
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument.new()
    srcs = []
    for b in pdfs:
        s = pdfium.PdfDocument(b)
        srcs.append(s)
        out.import_pages(s)
    data = pdfium_bytes(out)
    for s in srcs:
        s.close()
    out.close()
    return data


def license_jpeg(im: Image.Image, quality: int = 72) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, dpi=(72 * K, 72 * K))
    return buf.getvalue()
