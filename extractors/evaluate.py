"""Compare extraction with a dev packet's truth.json, field by field.

    python -m extractors.evaluate ../shared/devset/P901-06 [--ocr-cache DIR] [--max-page N]

Digital pages are read through the text layer; pages without one are OCR'd (extractors.ocr_pages, cached
as Page JSON under --ocr-cache). Prints per-group accuracy and every wrong field; the last line is
'fields: ok/n = acc'.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import pdfplumber

from extractors import extract
from models.provenance import DocKind, Document, Page
from pipeline.normalize import norm_name, parse_date
from pipeline.read.textlayer import read_text_page, usable_text_layer

LICENSE = ["name", "uscc", "company_type", "legal_representative", "registered_capital_wan",
           "registered_capital_text", "established", "address", "term", "issued"]
DECLARED = ["name", "uscc", "established", "registered_capital_wan", "address", "revenue_2024_wan", "employees",
            "product_total", "subsidy", "self_pay"]
FIN = ["fiscal_year", "revenue", "total_assets", "total_liabilities", "total_equity", "opinion", "entity", "firm",
       "report_no"]


class PageSource:
    """Pages of packet files: text layer where usable, else OCR (cached)."""

    def __init__(self, root: Path, cache: Path | None):
        self.root, self.cache = root, cache
        self._pdfs: dict[str, pdfplumber.PDF] = {}

    def page(self, file: str, index: int) -> Page:
        pdf = self._pdfs.get(file) or self._pdfs.setdefault(file, pdfplumber.open(self.root / file))
        pp = pdf.pages[index - 1]
        if usable_text_layer(pp):
            return read_text_page(pp, file, index)
        key = hashlib.md5(f"{(self.root / file).resolve()}:{index}".encode()).hexdigest()[:10]
        cached = self.cache / f"{key}.json" if self.cache else None
        if cached and cached.exists():
            page = Page.model_validate_json(cached.read_text())
            return page.model_copy(update={"file": file, "index": index})
        from extractors.ocr_pages import ocr_pdf_page
        page = ocr_pdf_page(self.root / file, index, file=file)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(page.model_dump_json())
        return page


def same(truth, got) -> bool:
    if got is None:
        return truth is None
    if isinstance(got, dt.date):
        return parse_date(str(truth)) == got
    if isinstance(truth, (int, float)) and not isinstance(truth, bool):
        try:
            return abs(float(truth) - float(got)) < 0.005
        except (TypeError, ValueError):
            return False
    if isinstance(truth, str) and isinstance(got, str):
        return norm_name(truth) == norm_name(got)
    return truth == got


def documents(truth: dict, src: PageSource) -> list[tuple[dict, Document, list[Page]]]:
    out = []
    for d in truth["documents"]:
        a, b = d["pages"]
        file = d["file"]
        pages = [src.page(file, i) for i in range(a, b + 1)]
        kind = DocKind(d["kind"])
        if kind == DocKind.application_form:
            secs = d.get("sections", [])
            for j, s in enumerate(secs):
                end = secs[j + 1]["page"] - 1 if j + 1 < len(secs) else b
                sp = [p for p in pages if s["page"] <= p.index <= end]
                doc = Document(kind=kind, pages=[(p.file, p.index) for p in sp], section=s["name"],
                               party_uscc=s.get("party_uscc"))
                out.append((d | {"section": s["name"], "party_uscc": s.get("party_uscc")}, doc, sp))
        else:
            doc = Document(kind=kind, pages=[(p.file, p.index) for p in pages], party_uscc=d.get("party_uscc"),
                           party_key=d.get("party_key"))
            out.append((d, doc, pages))
    return out


def evaluate(packet: Path, cache: Path | None = None, max_page: int | None = None) -> dict:
    truth = json.loads((packet / "truth.json").read_text(encoding="utf-8"))
    src = PageSource(packet, cache)
    parties = {p["key"]: p for p in truth["parties"]}
    by_uscc = {p["uscc"]: p for p in truth["parties"]}
    results: list[tuple[str, str, object, object]] = []   # (group, field/party, truth, got)

    def cmp(group: str, who: str, name: str, t, g):
        results.append((group, f"{who}.{name}", t, g))

    docs = truth["documents"]
    if max_page:
        truth = truth | {"documents": [d for d in docs if d["pages"][1] <= max_page]}
    for d, doc, pages in documents(truth, src):
        doc = extract(doc, pages)
        v = doc.value
        kind = doc.kind
        p = parties.get(d.get("party_key") or "") or by_uscc.get(d.get("party_uscc") or "")
        who = p["key"] if p else "packet"
        if kind == DocKind.business_license and p:
            for k in LICENSE:
                cmp("license", who, k, p["license"].get(k), v(k))
        elif kind in (DocKind.audit_report, DocKind.tax_report) and p and p.get("financials"):
            for k in FIN:
                if k in p["financials"] and (kind == DocKind.audit_report or k in ("entity", "fiscal_year", "revenue")):
                    cmp("financials", who, k, p["financials"][k], v(k))
        elif kind == DocKind.financial_statements and p:
            want = [f"{2025:04d}-{m:02d}" for m in p.get("statements_months", [])]
            cmp("statements", who, "months", want, v("months"))
            cmp("statements", who, "entity", p["name"], v("entity"))
        elif kind == DocKind.commitment_letter and p:
            cmp("commitment", who, "sign_date", p.get("sign_date"), v("sign_date"))
            cmp("commitment", who, "committer", p["name"], v("committer"))
            cmp("commitment", who, "variant", "lead" if p["role"] == "lead" else "enterprise", v("variant"))
        elif kind == DocKind.survey_report:
            cmp("survey", who, "n_enterprises", truth["table1"].get("survey_rows"), v("n_enterprises"))
        elif kind == DocKind.application_form:
            sec = d["section"]
            pk = truth["packet"]
            if sec == "cover":
                cmp("form", "cover", "cluster_name", pk["cluster_name"], v("cluster_name"))
                cmp("form", "cover", "application_date", pk["application_date"], v("application_date"))
                lead = next(x for x in truth["parties"] if x["role"] == "lead")
                cmp("form", "cover", "lead_name", lead["name"], v("lead_name"))
            elif sec == "table1":
                t1 = truth["table1"]
                for k in ("project_total_wan", "subsidy_wan", "kpis_quantified"):
                    cmp("form", "table1", k, t1[k], v(k))
                for k in ("chain", "project_start", "project_end", "cluster_name"):
                    cmp("form", "table1", k, pk[k], v(k))
                ents = [r["name"].value for r in doc.rows if r["role"].value == "enterprise"]
                provs = [r["name"].value for r in doc.rows if r["role"].value == "provider"]
                cmp("form", "table1", "enterprises", [norm_name(x) for x in t1["enterprises"]],
                    [norm_name(x) for x in ents])
                want_p = [x["name"] for x in truth["parties"] if x["role"] == "provider"]
                cmp("form", "table1", "providers", [norm_name(x) for x in want_p], [norm_name(x) for x in provs])
            elif sec == "table2" and p and p.get("declared"):
                dec = p["declared"]
                for k in DECLARED:
                    cmp("declared", who, k, dec.get(k), v(k))
                prods = [{"name": r["name"].value, "supplier": r["supplier"].value, "unit_price": r["unit_price"].value,
                          "quantity": r["quantity"].value, "amount": r["amount"].value} for r in doc.rows]
                for i, tp in enumerate(dec.get("products", [])):
                    gp = prods[i] if i < len(prods) else {}
                    for k in ("name", "supplier", "unit_price", "quantity", "amount"):
                        cmp("products", who, f"{i + 1}.{k}", tp.get(k), gp.get(k))
                cmp("products", who, "count", len(dec.get("products", [])), len(prods))
    groups: dict[str, list[int]] = {}
    wrong = []
    given = given_ok = 0
    for g, name, t, got in results:
        ok = same(t, got)
        if got not in (None, []):
            given += 1
            given_ok += ok
        groups.setdefault(g, [0, 0])
        groups[g][0] += ok
        groups[g][1] += 1
        if not ok:
            wrong.append((g, name, t, got))
    n_ok = sum(a for a, _ in groups.values())
    n = sum(b for _, b in groups.values())
    return {"groups": groups, "wrong": wrong, "ok": n_ok, "n": n, "accuracy": n_ok / n if n else 0.0,
            "given": given, "given_ok": given_ok, "precision": given_ok / given if given else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("packet")
    ap.add_argument("--ocr-cache", default=None)
    ap.add_argument("--max-page", type=int, default=None, help="only documents ending on or before this page")
    a = ap.parse_args(argv)
    r = evaluate(Path(a.packet), Path(a.ocr_cache) if a.ocr_cache else None, a.max_page)
    for g, (ok, n) in r["groups"].items():
        print(f"  {g:12s} {ok}/{n} = {ok / n:.3f}")
    for g, name, t, got in r["wrong"]:
        print(f"  WRONG {g} {name}: truth={t!r} got={got!r}")
    print(f"given values right: {r['given_ok']}/{r['given']} = {r['precision']:.3f}")
    print(f"fields: {r['ok']}/{r['n']} = {r['accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
