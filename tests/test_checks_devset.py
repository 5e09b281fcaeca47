"""The checks on the dev packets' ground truth: a ReviewContext built from truth.json (perfect extraction) must yield
exactly the expected non-seal findings. DUPLICATE_DOCUMENT is found from the real page images (dHash)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from models.packet import Packet, Party, ReviewContext, StoredFile
from models.provenance import DocKind, Document, Evidence, Field, Page
from pipeline.checks import run_checks
from pipeline.rules import load_rules

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
SEAL_CODES = {"SEAL_MISSING", "SEAL_NAME_MISMATCH", "SEAL_WRONG_TYPE", "STRADDLE_SEAL_MISSING"}


def _f(name, value, file, page) -> Field:
    return Field(name=name, value=value, raw=None if value is None else str(value),
                 evidence=Evidence(file=file, page=page, bbox=(50, 50, 300, 64), text=str(value)))


def _d(s):
    return date.fromisoformat(s) if isinstance(s, str) else s


def context_from_truth(folder: Path, truth: Path | None = None) -> ReviewContext:
    t = json.loads((truth or folder / "truth.json").read_text(encoding="utf-8"))
    pk = t["packet"]
    app = _d(pk["application_date"])
    by_uscc = {p["uscc"]: p for p in t["parties"]}
    parties = [Party(key=p["key"], role=p["role"], name=p["name"], uscc=p["uscc"], listed_in_table1=True)
               for p in t["parties"]]
    pmap = {p.uscc: p for p in parties}
    docs: list[Document] = []
    pages: dict[str, Page] = {}

    def add(kind, file, first, last, party: Party | None, section=None, fields=None, rows=None):
        d = Document(kind=kind, pages=[(file, i) for i in range(first, last + 1)], section=section,
                     party_uscc=party.uscc if party else None, party_name=party.name if party else None,
                     party_key=party.key if party else None,
                     extra={"content_party": party.key if party else None})
        d.fields = {k: _f(k, v, file, first) for k, v in (fields or {}).items()}
        d.rows = [{k: _f(k, v, file, first) for k, v in r.items()} for r in rows or []]
        docs.append(d)
        if party:
            party.documents.append(len(docs) - 1)
        for i in range(first, last + 1):
            pages.setdefault(f"{file}#{i}", Page(file=file, index=i, width=595, height=842))

    lead = next(p for p in parties if p.role == "lead")
    for doc in t["documents"]:
        kind, file, (a, b) = DocKind(doc["kind"]), doc["file"], doc["pages"]
        party = pmap.get(doc.get("party_uscc"))
        tp = by_uscc.get(doc.get("party_uscc")) or {}
        if kind == DocKind.application_form:
            secs = sorted(doc.get("sections", []), key=lambda s: s["page"])
            for j, s in enumerate(secs):
                end = (secs[j + 1]["page"] - 1) if j + 1 < len(secs) else b
                sp = pmap.get(s.get("party_uscc"))
                if s["name"] == "cover":
                    add(kind, file, s["page"], end, lead, "cover",
                        {"lead_name": lead.name, "cluster_name": pk["cluster_name"], "application_date": app})
                elif s["name"] == "table1":
                    t1 = t["table1"]
                    rows = [{"role": "enterprise", "seq": i + 1, "name": n} for i, n in enumerate(t1["enterprises"])]
                    rows += [{"role": "provider", "seq": i + 1, "name": p.name}
                             for i, p in enumerate(x for x in parties if x.role == "provider")]
                    add(kind, file, s["page"], end, None, "table1",
                        {"cluster_name": pk["cluster_name"], "lead_name": lead.name,
                         "project_total_wan": t1["project_total_wan"], "subsidy_wan": t1["subsidy_wan"],
                         "project_start": _d(pk["project_start"]), "project_end": _d(pk["project_end"]),
                         "kpis_quantified": t1["kpis_quantified"]}, rows)
                elif s["name"] == "table2" and sp is not None:
                    dec = dict(by_uscc[sp.uscc]["declared"])
                    products = dec.pop("products", [])
                    dec["established"] = _d(dec.get("established"))
                    dec["sign_date"] = _d(by_uscc[sp.uscc].get("sign_date"))
                    add(kind, file, s["page"], end, sp, "table2", dec,
                        [{k: v for k, v in r.items() if k != "kind"} | {"seq": i + 1} for i, r in enumerate(products)])
                else:
                    add(kind, file, s["page"], end, None, s["name"])
        elif kind == DocKind.business_license:
            lic = dict(tp.get("license") or {})
            lic["established"] = _d(lic.get("established"))
            add(kind, file, a, b, party, None, lic)
        elif kind in (DocKind.audit_report, DocKind.tax_report):
            fin = dict(tp.get("financials") or {})
            if fin.get("total_liabilities") is not None and fin.get("total_equity") is not None:
                fin["total_liabilities_and_equity"] = round(fin["total_liabilities"] + fin["total_equity"], 2)
            add(kind, file, a, b, party, None, fin)
        elif kind == DocKind.financial_statements:
            add(kind, file, a, b, party, None,
                {"entity": tp.get("name"), "months": [f"{app.year}-{m:02d}" for m in tp.get("statements_months", [])]})
        elif kind == DocKind.commitment_letter:
            add(kind, file, a, b, party, None, {"committer": tp.get("name"), "sign_date": _d(tp.get("sign_date"))})
        elif kind == DocKind.survey_report:
            add(kind, file, a, b, None, None, {"n_enterprises": t["table1"].get("survey_rows")})
        else:
            add(kind, file, a, b, party)
    files = sorted({f for d in docs for f, _ in d.pages})
    packet = Packet(id=pk["id"], source=str(folder), files=[
        StoredFile(path=f, sha256=f"sha-{f}", size=(folder / f).stat().st_size, blob=str(folder / f),
                   media_type="application/pdf" if f.lower().endswith(".pdf") else "image/jpeg") for f in files])
    return ReviewContext(packet=packet, application_date=app, cluster_name=pk["cluster_name"], pages=pages,
                         documents=docs, parties=parties, rules=load_rules())


PACKETS = sorted(p.name for p in DEVSET.glob("*/truth.json").__iter__()) if DEVSET.is_dir() else []


@pytest.mark.quick
@pytest.mark.skipif(not DEVSET.is_dir(), reason="shared/devset not present")
@pytest.mark.parametrize("packet", [p.parent.name for p in sorted(DEVSET.glob("*/truth.json"))])
def test_devset_truth_findings(packet):
    folder = DEVSET / packet
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    ctx = context_from_truth(folder)
    errors: list[str] = []
    found = [f for f in run_checks(ctx, errors) if f.severity != "info" and f.code not in SEAL_CODES]
    assert errors == []
    want = {(f["code"], f["party_uscc"]) for f in truth["expected_findings"] if f["code"] not in SEAL_CODES}
    got = {(f.code, f.party_uscc) for f in found}
    assert got == want, [(f.code, f.party_name, f.message) for f in found]
