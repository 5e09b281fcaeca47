"""Independent re-derivation of the expected findings from truth.json alone (a self-check of the generator).

Returns the set of (code, party_uscc) a perfect reviewer should report; tests compare it with
truth["expected_findings"]. """
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from . import uscc as U

JIANGMEN = ("江门市", "蓬江区", "江海区", "新会区", "台山市", "开平市", "鹤山市", "恩平市")
SAAS = re.compile(r"\b(IOT|IoT|EAM|EMS|MES|MOM|PLM|SCM|SRM|WMS|CAE|PDM|ERP|CRM)\b")
SERVICE_WORDS = ("咨询", "设计", "检测", "评价", "实施", "二次开发")
SPECIAL = {"finance", "contract", "invoice"}


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def expected(truth: dict) -> set[tuple[str, str | None]]:
    out: set[tuple[str, str | None]] = set()
    pk = truth["packet"]
    app = _d(pk["application_date"])
    docs = truth["documents"]
    ents = [p for p in truth["parties"] if p["role"] == "enterprise"]
    add = lambda code, p=None: out.add((code, p["uscc"] if p else None))  # noqa: E731
    # packet level
    if pk["unreadable_files"]:
        add("DOC_UNREADABLE")
    for kind in ("survey_report", "implementation_plan"):
        if not any(d["kind"] == kind for d in docs):
            add("DOC_MISSING")
    if not pk["straddle_seals"]:
        add("STRADDLE_SEAL_MISSING")
    if any("last_page_copy_of" in d for d in docs):
        add("DUPLICATE_DOCUMENT")
    t1 = truth["table1"]
    if pk["project_start"] is None:
        add("FIELD_EMPTY")
    elif _d(pk["project_end"]) > _d(pk["project_start"]).replace(year=_d(pk["project_start"]).year + 1) - dt.timedelta(days=1):
        add("PROJECT_TOO_LONG")
    if t1["kpis_quantified"] < 3:
        add("KPI_TOO_FEW")
    if t1["overview_chars"] > 1000:
        add("OVERVIEW_TOO_LONG")
    st = t1["survey_types"]
    if t1["survey_rows"] < 15 or len(st) < 5 or min(st.values()) < 3:
        add("SURVEY_TOO_SMALL")
    if abs(sum(p["declared"]["product_total"] for p in ents) / 10000 - t1["project_total_wan"]) > 0.011:
        add("TOTAL_MISMATCH")
    if sum(p["declared"]["subsidy"] for p in ents) > 5_000_000:
        add("CLUSTER_CAP_EXCEEDED")
    local = 0
    for p in truth["parties"]:
        kinds = {d["kind"] for d in docs if d["party_key"] == p["key"] and "duplicate_of" not in d}
        for k in ("business_license", "financial_statements", "commitment_letter"):
            if k not in kinds:
                add("DOC_MISSING", p)
        if not kinds & {"audit_report", "tax_report"}:
            add("DOC_MISSING", p)
        _seals(truth, p, add)
        lic, dec, fin = p["license"], p["declared"], p["financials"]
        if "commitment_letter" in kinds and p["sign_date"] is None:
            add("SIGN_DATE_MISSING", p)
        if p["role"] == "enterprise" and p.get("table2_date", "") is None:
            add("SIGN_DATE_MISSING", p)
        if fin:
            if fin["fiscal_year"] != 2024:
                add("AUDIT_YEAR_WRONG", p)
            if fin["opinion"] not in (None, "standard_unqualified"):
                add("AUDIT_OPINION_MODIFIED", p)
            if norm(fin["entity"]) != norm(p["name"]):
                add("AUDIT_ENTITY_MISMATCH", p)
            if abs(fin["total_assets"] - fin["total_liabilities"] - fin["total_equity"]) > 0.01:
                add("BALANCE_SHEET_UNBALANCED", p)
        if 0 < len(p["statements_months"]) < 6:
            add("STATEMENTS_PERIOD_INCOMPLETE", p)
        if p["role"] != "enterprise":
            continue
        in_jm = True
        if lic:
            if not U.is_valid(lic["uscc"]):
                add("USCC_INVALID", p)
            in_jm = any(x in lic["address"] for x in JIANGMEN) and lic["uscc"][2:6] == "4407"
            if not in_jm:
                add("NOT_IN_JIANGMEN", p)
            if _d(lic["established"]) > app.replace(year=app.year - 1):
                add("COMPANY_TOO_YOUNG", p)
            if "分公司" in lic["company_type"] or "个体" in lic["company_type"] or lic["uscc"][1] == "2":
                add("NOT_INDEPENDENT_LEGAL_PERSON", p)
            if dec["uscc"] and dec["uscc"] != lic["uscc"]:
                add("USCC_MISMATCH", p)
            if norm(dec["name"]) != norm(lic["name"]):
                add("NAME_MISMATCH", p)
            if dec["established"] and dec["established"] != lic["established"]:
                add("ESTABLISHED_MISMATCH", p)
            if dec["registered_capital_wan"] is not None and lic["registered_capital_wan"] is not None and \
                    abs(dec["registered_capital_wan"] - lic["registered_capital_wan"]) > 1e-6:
                add("CAPITAL_MISMATCH", p)
            if norm(dec["address"]) != norm(lic["address"]):
                add("ADDRESS_MISMATCH", p)
        local += in_jm
        if any(dec[k] is None for k in ("uscc", "established", "registered_capital_wan", "revenue_2024_wan")):
            add("FIELD_EMPTY", p)
        rows = dec["products"]
        if any(abs(r["unit_price"] * r["quantity"] - r["amount"]) > 0.005 for r in rows):
            add("LINE_AMOUNT_MISMATCH", p)
        tot = dec["product_total"]
        if abs(sum(r["amount"] for r in rows) - tot) > 0.005 or abs(dec["subsidy"] + dec["self_pay"] - tot) > 0.005:
            add("TOTAL_MISMATCH", p)
        if dec["subsidy"] > 0.8 * tot + 0.005:
            add("SUBSIDY_RATIO_EXCEEDED", p)
        if dec["subsidy"] > 500000:
            add("SUBSIDY_CAP_EXCEEDED", p)
        svc = sum(r["amount"] for r in rows if any(w in r["name"] for w in SERVICE_WORDS))
        if svc > 0.5 * sum(r["amount"] for r in rows):
            add("SERVICES_SHARE_EXCEEDED", p)
        if not any(SAAS.search(r["name"]) and not any(w in r["name"] for w in SERVICE_WORDS) for r in rows):
            add("NO_SAAS_PRODUCT", p)
        if fin and dec["revenue_2024_wan"] is not None:
            audited = fin["revenue"] / 10000
            if abs(dec["revenue_2024_wan"] - audited) > max(0.01 * audited, 0.01):
                add("REVENUE_MISMATCH", p)
    if local < 10:
        add("CONSORTIUM_TOO_SMALL")
    declared = {norm(p["declared"]["name"]) for p in ents}
    for p in ents:
        if norm(p["declared"]["name"]) not in {norm(n) for n in t1["enterprises"]}:
            add("PARTY_LIST_MISMATCH", p)
    if {norm(n) for n in t1["enterprises"]} - declared:
        add("PARTY_LIST_MISMATCH")
    return out


def _slot_pages(truth: dict, p: dict) -> dict[str, list[tuple[str, int]]]:
    slots: dict[str, list[tuple[str, int]]] = {}
    for d in truth["documents"]:
        if "duplicate_of" in d:
            continue
        if d["kind"] == "application_form":
            for s in d["sections"]:
                if s["name"] == "cover" and p["role"] == "lead":
                    slots["cover"] = [(d["file"], s["page"])]
                if s["name"] == "table1" and p["role"] == "provider":
                    slots["table1"] = [(d["file"], s["page"]), (d["file"], s["page"] + 1)]
                if s["name"] == "table2" and s["party_uscc"] == p["uscc"] and p["role"] == "enterprise":
                    slots["table2"] = [(d["file"], s["page"])]
        elif d["party_key"] == p["key"] and d["kind"] == "business_license":
            slots.setdefault("license", []).append((d["file"], d["pages"][0]))
        elif d["party_key"] == p["key"] and d["kind"] == "commitment_letter":
            slots.setdefault("commit", []).append((d["file"], d["pages"][0]))
    return slots


def _seals(truth: dict, p: dict, add) -> None:
    for slot, pages in _slot_pages(truth, p).items():
        found = [s for s in p["seals"] if (s["file"], s["page"]) in pages and s["kind"] != "authority"
                 and "会计师" not in (s["text"] or "")]
        if not found:
            add("SEAL_MISSING", p)
        elif any(norm(s["text"]) != norm(p["name"]) for s in found):
            add("SEAL_NAME_MISMATCH", p)
        elif any(s["kind"] in SPECIAL for s in found):
            add("SEAL_WRONG_TYPE", p)
