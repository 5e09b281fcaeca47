"""Assemble the report.json contract from the review context and the findings."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document, SealKind
from models.report import (DeclaredOut, DocumentOut, FinancialsOut, FindingOut, LicenseOut, PacketInfo, PartyOut,
                           ProductOut, ReportModel, SealOut, SectionOut, status_of)
from pipeline.checks.base import own_doc
from pipeline.checks.seal_checks import rect_names_party
from pipeline.classify.cues import norm_name
from pipeline.classify.split import similar

ROLE_ORDER = {"lead": 0, "provider": 1, "enterprise": 2}


def _json(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (date, datetime)) else v


def _pick(doc: Document | None, names: list[str]) -> dict[str, Any]:
    return {n: _json(doc.value(n)) for n in names} if doc else {}


def documents_out(ctx: ReviewContext) -> list[DocumentOut]:
    """One entry per document; the 申报书's sections are folded into one entry per file run."""
    out: list[DocumentOut] = []
    for d in ctx.documents:
        files = list(dict.fromkeys(f for f, _ in d.pages))
        first = [p for f, p in d.pages if f == files[0]]
        section = SectionOut(name=d.section, page=first[0], party_uscc=d.party_uscc) if d.section else None
        prev = out[-1] if out else None
        if (section and prev and prev.kind == DocKind.application_form.value and prev.file == files[0]
                and len(files) == 1 and prev.pages[1] + 1 >= first[0]):
            prev.pages = (prev.pages[0], max(prev.pages[1], first[-1]))
            prev.sections.append(section)
            prev.text_layer = prev.text_layer and d.text_layer
            prev.ocr = prev.ocr or d.ocr
            continue
        out.append(DocumentOut(file=files[0], pages=(first[0], first[-1]), kind=d.kind.value,
                               party_uscc=d.party_uscc, party_name=d.party_name, text_layer=d.text_layer, ocr=d.ocr,
                               files=files if len(files) > 1 else None, sections=[section] if section else []))
    return out


def _seals_of(party: Party, ctx: ReviewContext) -> list[SealOut]:
    """Seals on the party's own documents, and seals on shared form pages whose text names the party."""
    seen, out = set(), []
    names = {norm_name(p.name) for p in ctx.parties}
    refs = {ref for i in party.documents for ref in ctx.documents[i].pages}
    for d in ctx.documents:
        if d.kind == DocKind.application_form and d.section in ("cover", "table1"):
            refs |= {("named", *r) for r in d.pages}
    for ref in sorted(refs, key=str):
        named = ref[0] == "named"
        page = ctx.page(*ref[1:]) if named else ctx.page(*ref)
        for s in page.seals if page else []:
            if s.is_copy_stamp or s.edge or s.shape == "blob" or (s.shape == "rect" and not rect_names_party(s, ctx.parties)):
                continue            # copy stamps, 骑缝 slices, unresolved red marks, rectangular stamps naming nobody
            if named and not (s.text and similar(norm_name(s.text), party.name, 0.9)):
                continue
            if named and norm_name(s.text) != norm_name(party.name) and norm_name(s.text) in names:
                continue            # another party's name exactly (佳润 beside 佳博 on 表一)
            key = (s.file, s.page, tuple(round(v) for v in s.bbox))
            if key not in seen:
                seen.add(key)
                out.append(SealOut(file=s.file, page=s.page, bbox=s.bbox, text=s.text, read=s.text_read,
                                   kind=(s.kind if isinstance(s.kind, SealKind) else SealKind(s.kind)).value))
    return out


def party_out(party: Party, ctx: ReviewContext) -> PartyOut:
    lic = next(iter(party.docs(ctx, DocKind.business_license)), None)
    t2 = next(iter(party.docs(ctx, DocKind.application_form, "table2")), None)
    audit = (own_doc(ctx, party, DocKind.audit_report) or own_doc(ctx, party, DocKind.tax_report)
             or next(iter(party.docs(ctx, DocKind.audit_report) or party.docs(ctx, DocKind.tax_report)), None))
    declared = None
    if t2:
        products = [ProductOut(**{k: (f.value if f else None) for k, f in
                                  ((n, row.get(n)) for n in ("name", "supplier", "unit_price", "quantity", "amount"))})
                    for row in t2.rows]
        declared = DeclaredOut(**_pick(t2, ["name", "uscc", "established", "registered_capital_wan", "address",
                                            "revenue_2024_wan", "employees", "product_total", "subsidy", "self_pay"]),
                               products=products)
    return PartyOut(
        role=party.role, name=party.name, uscc=party.uscc,
        license=LicenseOut(**_pick(lic, ["name", "uscc", "company_type", "legal_representative",
                                         "registered_capital_wan", "established", "address"])) if lic else None,
        declared=declared,
        financials=FinancialsOut(**_pick(audit, ["fiscal_year", "revenue", "total_assets", "total_liabilities",
                                                 "total_equity", "opinion"])) if audit else None,
        seals=_seals_of(party, ctx))


# Codes that concern either one party or the packet as a whole. A packet-level instance concerns what the
# lead unit (the applicant) submitted — the 申报书, 表一, the survey — so it names the lead unit; a code is then
# never reported both with and without a party.
LEAD_OWNS_PACKET_LEVEL = {"DOC_MISSING", "FIELD_EMPTY", "TOTAL_MISMATCH", "SIGN_DATE_MISSING", "PARTY_LIST_MISMATCH"}


def attribute(findings: list[FindingOut], ctx: ReviewContext) -> list[FindingOut]:
    """Name the party a packet-level finding concerns, where the packet says whose it is."""
    lead = next((p for p in ctx.parties if p.role == "lead"), None)
    folder_party = _folder_parties(ctx)
    for f in findings:
        if f.party_uscc or f.party_name:
            continue
        owner = None
        if f.code in LEAD_OWNS_PACKET_LEVEL:
            owner = lead
        elif f.code == "DOC_UNREADABLE" and f.file:
            owner = folder_party.get(f.file.rsplit("/", 1)[0] if "/" in f.file else "")
        if owner is not None:
            f.party_uscc, f.party_name = owner.uscc, owner.name
    return findings


def _folder_parties(ctx: ReviewContext) -> dict[str, Party]:
    """Folders whose tied documents all belong to one party (separate-file packets)."""
    seen: dict[str, set[str]] = {}
    for d in ctx.documents:
        if d.party_key and d.kind != DocKind.application_form:
            folder = d.file.rsplit("/", 1)[0] if "/" in d.file else ""
            seen.setdefault(folder, set()).add(d.party_key)
    keyed = {p.key: p for p in ctx.parties}
    return {folder: keyed[next(iter(keys))] for folder, keys in seen.items() if folder and len(keys) == 1}


def build_report(ctx: ReviewContext, findings: list[FindingOut], engines: dict[str, str],
                 rule_pack: str | None) -> ReportModel:
    order = {"error": 0, "warning": 1, "info": 2}
    findings = attribute(findings, ctx)
    findings = sorted(findings, key=lambda f: (order[f.severity], f.code, f.party_name or ""))
    parties = sorted(ctx.parties, key=lambda p: (ROLE_ORDER.get(p.role, 9), p.key))
    return ReportModel(
        packet=PacketInfo(id=ctx.packet.id, source=ctx.packet.source, cluster_name=ctx.cluster_name,
                          application_date=ctx.application_date.isoformat() if ctx.application_date else None),
        status=status_of(findings), documents=documents_out(ctx), parties=[party_out(p, ctx) for p in parties],
        findings=findings, engines=engines, rule_pack=rule_pack,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
