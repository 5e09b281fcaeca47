"""材料完整性: DOC_UNREADABLE, DOC_MISSING, FIELD_EMPTY, SIGN_DATE_MISSING."""
from __future__ import annotations

import posixpath

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document
from models.report import EvidenceOut, FindingOut
from pipeline.checks.base import (KIND_CN, Findings, is_blank, norm_name, party_anchor, party_docs, rules_of,
                                  subject_of, table1_row, twin_parties)

# Documents of the whole packet (the lead submits them; they carry no party of their own).
PACKET_KINDS = {DocKind.application_form, DocKind.survey_report, DocKind.implementation_plan}
ROLE_CN = {"lead": "牵头单位", "enterprise": "工业企业", "provider": "服务商"}


def _split(req: str) -> list[tuple[DocKind, str | None]]:
    out = []
    for alt in req.split("|"):
        kind, _, section = alt.strip().partition("#")
        out.append((DocKind(kind), section or None))
    return out


def _has(ctx: ReviewContext, party: Party, kind: DocKind, section: str | None) -> bool:
    if kind in PACKET_KINDS and section is None:
        return bool(ctx.docs_of_kind(kind))
    if party_docs(ctx, party, kind, section):
        return True
    if kind == DocKind.application_form and section == "table2":  # a 表二 that names the party
        for d in ctx.docs_of_kind(kind, section):
            n = d.fields.get("name")
            if (n is not None and n.value and norm_name(n.value) == norm_name(party.name)) or \
                    (party.uscc and d.party_uscc == party.uscc) or \
                    (d.party_name and norm_name(d.party_name) == norm_name(party.name)):
                return True
    # an untied document naming the party's registered name (its own licence's 名称), when the 表二 declares
    # another name (NAME_MISMATCH): the audit report / statements / letter carry the registered name
    lic_names = {norm_name(d.value("name")) for d in party_docs(ctx, party, DocKind.business_license)
                 if isinstance(d.value("name"), str) and d.value("name")} - {norm_name(party.name)}
    if lic_names:
        for d in ctx.docs_of_kind(kind, section):
            s = subject_of(d)
            if d.party_key is None and d.party_uscc is None and s and norm_name(s) in lic_names:
                return True
    return False


def orphan_parties(ctx: ReviewContext) -> set[str]:
    """Enterprises named in 表一 with none of their own materials (PARTY_LIST_MISMATCH reports them instead)."""
    out = set()
    twins = twin_parties(ctx)
    for p in ctx.parties:
        if p.role != "enterprise" or p.key in twins:
            continue
        if not any(_has(ctx, p, k, s) for k, s in [(DocKind.application_form, "table2"),
                                                   (DocKind.business_license, None),
                                                   (DocKind.commitment_letter, None),
                                                   (DocKind.audit_report, None), (DocKind.tax_report, None),
                                                   (DocKind.financial_statements, None)]):
            out.add(p.key)
    return out


def _unreadable(ctx: ReviewContext, out: Findings) -> None:
    for pr in ctx.problems:
        ev = EvidenceOut(file=pr.file, page=1, text=pr.message)
        f = out.add("DOC_UNREADABLE", None, [], f"文件“{pr.file}”无法读取：{pr.message}",
                    found=pr.message, detail={"file": pr.file}, extra_evidence=[ev], packet_level=True)
        f.page = None


def _missing(ctx: ReviewContext, out: Findings) -> None:
    if not ctx.documents:  # nothing was read at all: DOC_UNREADABLE says why
        return
    reqs = rules_of(ctx)["required_documents"]
    orphans = orphan_parties(ctx) | twin_parties(ctx)
    packet_done: set[str] = set()
    for party in ctx.parties:
        if party.key in orphans or _unreadable_own(ctx, party):
            continue
        for req in reqs.get(party.role, []):
            alts = _split(req)
            if any(_has(ctx, party, k, s) for k, s in alts):
                continue
            kind, section = alts[0]
            kind_name = kind.value + (f"#{section}" if section else "")
            if kind in PACKET_KINDS and section is None:
                if kind_name in packet_done:
                    continue
                packet_done.add(kind_name)
            label = KIND_CN.get(section or "", "") if section else ""
            label = label or "或".join(KIND_CN.get(k.value, k.value) for k, _ in alts)
            out.add("DOC_MISSING", party, [], f"{ROLE_CN.get(party.role, '')}“{party.name}”缺少{label}",
                    declared=party.name, found=None,
                    detail={"doc_kind": kind.value, "section": section,
                            "alternatives": [k.value for k, _ in alts], "role": party.role},
                    extra_evidence=party_anchor(ctx, party))


def _unreadable_own(ctx: ReviewContext, party: Party) -> bool:
    """An unreadable file sits in the party's own folder: what looks missing may be in it (DOC_UNREADABLE
    already says so), so no DOC_MISSING is claimed for that party."""
    if not ctx.problems:
        return False
    folders = {posixpath.dirname(f) for i in party.documents for f, _ in ctx.documents[i].pages}
    folders.discard("")
    for pr in ctx.problems:
        d = posixpath.dirname(pr.file)
        if d and d in folders:
            return True
    return False


def _doc_party(ctx: ReviewContext, doc: Document) -> Party | None:
    if doc.party_key:
        p = ctx.party(doc.party_key)
        if p:
            return p
    if doc.party_uscc:
        p = next((p for p in ctx.parties if p.uscc == doc.party_uscc), None)
        if p:
            return p
    if doc.kind == DocKind.application_form and doc.section == "cover":
        return next((p for p in ctx.parties if p.role == "lead"), None)
    return None


def _blank_by_siblings(ctx: ReviewContext, doc: Document, name: str) -> bool:
    """On a text layer, a field the extractor could not locate although it read it on nearly every sibling
    form (the other 表二) is blank: the label is printed on every form, only the value can be missing."""
    f = doc.fields.get(name)
    if f is not None and (f.value not in (None, "", []) or f.evidence is not None or (f.raw or "").strip()):
        return False
    pages = [ctx.page(fl, i) for fl, i in doc.pages]
    if doc.ocr or any(p is None or p.ocr or not p.text_layer for p in pages):
        return False
    sibs = [d for d in ctx.documents if d is not doc and d.kind == doc.kind and d.section == doc.section]
    located = [d for d in sibs if (g := d.fields.get(name)) is not None and g.evidence is not None
               and g.value not in (None, "", [])]
    return len(sibs) >= 3 and len(located) >= 0.8 * len(sibs)


def _was_read(doc: Document) -> bool:
    """A form counts as read when at least two of its fields carry a value."""
    return sum(1 for f in doc.fields.values() if f.value not in (None, "", [])) >= 2


def _matches(doc: Document, key: str) -> bool:
    kind, _, section = key.partition("#")
    return doc.kind.value == kind and (not section or doc.section == section)


def _empty_fields(ctx: ReviewContext, out: Findings) -> None:
    rules = rules_of(ctx)
    for doc in ctx.documents:
        if not _was_read(doc):
            continue
        party = _doc_party(ctx, doc)
        where = KIND_CN.get(doc.section or "", KIND_CN.get(doc.kind.value, doc.kind.value))
        blanks: dict[tuple, list[tuple[str, str]]] = {}
        for key, fields in rules.get("required_fields", {}).items():
            if not _matches(doc, key):
                continue
            for name, label in fields.items():
                f = doc.fields.get(name)
                if is_blank(f):
                    e = f.evidence
                    blanks.setdefault((e.file, e.page, e.bbox), []).append((name, label))
        for names in blanks.values():  # one finding per blank cell (起止时间 holds two fields)
            flds = [doc.fields.get(n) for n, _ in names]
            labels = "、".join(dict.fromkeys(l for _, l in names))
            out.add("FIELD_EMPTY", party, [f for f in flds if f is not None][:1], f"{where}“{labels}”未填写",
                    declared=None, found=None,
                    detail={"field": names[0][0], "fields": [n for n, _ in names], "label": labels,
                            "doc_kind": doc.kind.value, "section": doc.section}, docs=[doc])
        for key, spec in rules.get("sign_dates", {}).items():
            if not _matches(doc, key):
                continue
            f = doc.fields.get(spec["field"])
            if is_blank(f) or _blank_by_siblings(ctx, doc, spec["field"]):
                out.add("SIGN_DATE_MISSING", party, [f], f"{where}“{spec['label']}”未填写",
                        detail={"field": spec["field"], "label": spec["label"], "doc_kind": doc.kind.value,
                                "section": doc.section}, docs=[doc])


def check_completeness(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    _unreadable(ctx, out)
    _missing(ctx, out)
    _empty_fields(ctx, out)
    return out.items
