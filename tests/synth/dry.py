"""truth.json without rendering (documents and seals placed by slot): a fast check of the injection logic."""
from __future__ import annotations

from .assemble import _truth
from .model import PacketSpec, SealOut


def dry_truth(spec: PacketSpec) -> dict:
    app = "申报书.pdf"
    ents = spec.enterprises
    sections = [{"name": "cover", "party_uscc": spec.lead.uscc, "page": 1}, {"name": "table1", "party_uscc": None, "page": 2}]
    sections += [{"name": "table2", "party_uscc": e.uscc, "page": 4 + i} for i, e in enumerate(ents)]
    docs = [{"file": app, "pages": [1, 5 + len(ents)], "kind": "application_form", "party_uscc": None,
             "party_key": None, "sections": sections}]
    for kind in ("survey_report", "implementation_plan"):
        if kind not in spec.extras.get("missing", []):
            docs.append({"file": kind + ".pdf", "pages": [1, 2], "kind": kind, "party_uscc": None, "party_key": None})
    for p in spec.parties:
        p.seals = []
        for kind in ("business_license", p.hints.audit_kind, "financial_statements", "commitment_letter"):
            if kind in p.hints.missing_docs or (kind == "tax_report" and "audit_report" in p.hints.missing_docs):
                continue
            f = f"{p.key}/{kind}.pdf"
            d = {"file": f, "pages": [1, 1], "kind": kind, "party_uscc": p.uscc, "party_key": p.key}
            if kind == "business_license" and p.hints.dup_license_of or \
                    kind == "financial_statements" and p.hints.dup_statements_of:
                d["last_page_copy_of"] = spec.party(p.hints.dup_license_of or p.hints.dup_statements_of).uscc
            docs.append(d)
            slot = {"business_license": "license", "commitment_letter": "commit"}.get(kind)
            if slot:
                _seal(p, slot, f, 1)
        slot = {"lead": "cover", "provider": "table1", "enterprise": "table2"}[p.role]
        page = 1 if slot == "cover" else 2 if slot == "table1" else 4 + ents.index(p)
        _seal(p, slot, app, page)
    spec.extras.setdefault("unreadable_files", [{"file": "x.pdf", "reason": r} for r in spec.extras.get("broken", [])])
    return _truth(spec, docs, [])


def _seal(p, slot: str, file: str, page: int) -> None:
    sp = p.hints.slots.get(slot)
    if sp is not None and sp.text is not None:
        p.seals.append(SealOut(file=file, page=page, bbox=[0, 0, 1, 1], text=sp.text, kind=sp.kind))
