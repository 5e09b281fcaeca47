"""Inject one defect per finding code into a clean PacketSpec and record what a perfect reviewer reports."""
from __future__ import annotations

import datetime as dt
import random
from typing import Callable

from . import budget as B
from . import uscc as U
from . import vocab as V
from .build import recompute_table1
from .cnfmt import add_years, capital_daxie
from .model import PacketSpec, Party, SealSpec
from .world import address, person

SEVERITY = {
    "DOC_MISSING": "error", "DOC_UNREADABLE": "error", "FIELD_EMPTY": "error", "SIGN_DATE_MISSING": "warning",
    "SEAL_MISSING": "error", "SEAL_NAME_MISMATCH": "error", "SEAL_WRONG_TYPE": "warning",
    "STRADDLE_SEAL_MISSING": "warning", "USCC_INVALID": "error", "USCC_MISMATCH": "error",
    "NAME_MISMATCH": "error", "ESTABLISHED_MISMATCH": "error", "CAPITAL_MISMATCH": "error",
    "ADDRESS_MISMATCH": "warning", "NOT_IN_JIANGMEN": "error", "COMPANY_TOO_YOUNG": "error",
    "NOT_INDEPENDENT_LEGAL_PERSON": "error", "CONSORTIUM_TOO_SMALL": "error", "PARTY_LIST_MISMATCH": "error",
    "LINE_AMOUNT_MISMATCH": "error", "TOTAL_MISMATCH": "error", "SUBSIDY_RATIO_EXCEEDED": "error",
    "SUBSIDY_CAP_EXCEEDED": "error", "CLUSTER_CAP_EXCEEDED": "error", "SERVICES_SHARE_EXCEEDED": "error",
    "NO_SAAS_PRODUCT": "error", "PROJECT_TOO_LONG": "error", "KPI_TOO_FEW": "error",
    "OVERVIEW_TOO_LONG": "warning", "REVENUE_MISMATCH": "error", "BALANCE_SHEET_UNBALANCED": "error",
    "AUDIT_YEAR_WRONG": "error", "AUDIT_OPINION_MODIFIED": "warning", "AUDIT_ENTITY_MISMATCH": "error",
    "STATEMENTS_PERIOD_INCOMPLETE": "error", "DUPLICATE_DOCUMENT": "warning", "SURVEY_TOO_SMALL": "warning",
}
ALL_CODES = list(SEVERITY)
# codes that shape the packet before anything else is drawn
BUILD_CODES = {"CONSORTIUM_TOO_SMALL", "CLUSTER_CAP_EXCEEDED"}
NEED_MANY = {"NOT_IN_JIANGMEN", "NOT_INDEPENDENT_LEGAL_PERSON", "COMPANY_TOO_YOUNG", "PARTY_LIST_MISMATCH"}
INCOMPATIBLE = [{"CONSORTIUM_TOO_SMALL", "CLUSTER_CAP_EXCEEDED"}]


class Ctx:
    def __init__(self, spec: PacketSpec, rng: random.Random):
        self.spec, self.rng = spec, rng
        self.used: set[str] = set()
        self.codes: list[str] = []

    def pick(self, roles=("enterprise",), need_audit: bool = False, audit_only: bool = False) -> Party:
        cands = [p for p in self.spec.parties if p.role in roles and p.key not in self.used]
        if need_audit:
            cands = [p for p in cands if "audit_report" not in p.hints.missing_docs]
        if audit_only:
            cands = [p for p in cands if p.hints.audit_kind == "audit_report"]
        if not cands:
            raise ValueError("not enough parties for the requested injections")
        p = self.rng.choice(cands)
        self.used.add(p.key)
        return p

    def add(self, code: str, p: Party | None, detail: dict | None = None) -> None:
        self.spec.injected.append({"code": code, "party": p.key if p else None})
        self.spec.expected.append({"code": code, "severity": SEVERITY[code], "party_uscc": p.uscc if p else None,
                                   "party_name": p.name if p else None, "detail": detail or {}})


def rename(spec: PacketSpec, p: Party, new: str) -> None:
    old = p.name
    p.name = p.license.name = new
    if p.declared:
        p.declared.name = new
    if p.financials:
        p.financials.entity = new
    spec.table1_enterprises = [new if n == old else n for n in spec.table1_enterprises]
    for r in spec.survey_rows:
        if r.name == old:
            r.name = new
    for s in p.hints.slots.values():
        if s.text == old:
            s.text = new
    for q in spec.enterprises:
        for x in q.declared.products:
            if x.supplier == old:
                x.supplier = new


def set_uscc(p: Party, code: str) -> None:
    p.uscc = p.license.uscc = code
    if p.declared:
        p.declared.uscc = code


def one_char_off(rng: random.Random, p: Party) -> str:
    z = p.hints.zihao
    nz = z[0] + rng.choice([c for c in V.ZIHAO if c not in z])
    return p.name.replace(z, nz, 1)


# --------------------------------------------------------------- completeness
def doc_missing(c: Ctx) -> None:
    if c.rng.random() < 0.15:
        kind = c.rng.choice(["survey_report", "implementation_plan"])
        c.spec.extras.setdefault("missing", []).append(kind)
        return c.add("DOC_MISSING", None, {"doc_kind": kind})
    p = c.pick(("enterprise", "provider", "lead"))
    # an enterprise's missing licence / letter could also read as PARTY_LIST_MISMATCH: keep those to lead/providers
    kinds = ["audit_report", "financial_statements"]
    if p.role != "enterprise":
        kinds += ["business_license", "commitment_letter"]
    kind = c.rng.choice(kinds)
    p.hints.missing_docs.append(kind)          # truth.json nulls the matching party data (assemble._truth)
    c.add("DOC_MISSING", p, {"doc_kind": kind})


def doc_unreadable(c: Ctx) -> None:
    reason = c.rng.choice(["corrupt", "empty", "encrypted", "not_pdf", "zero_pages"])
    c.spec.extras.setdefault("broken", []).append(reason)
    c.add("DOC_UNREADABLE", None, {"reason": reason})


def field_empty(c: Ctx) -> None:
    if c.rng.random() < 0.2 and "PROJECT_TOO_LONG" not in c.codes:     # a blank period would hide it
        c.spec.project_blank = True
        return c.add("FIELD_EMPTY", None, {"section": "table1", "field": "project_period"})
    p = c.pick()
    field = c.rng.choice(["uscc", "established", "registered_capital_wan", "revenue_2024_wan"])
    setattr(p.declared, field, None)
    c.add("FIELD_EMPTY", p, {"section": "table2", "field": field})


def sign_date_missing(c: Ctx) -> None:
    p = c.pick(("enterprise", "provider", "lead"))
    if p.role == "enterprise" and c.rng.random() < 0.4:
        p.hints.table2_date_blank = True
        p.table2_date = None
        return c.add("SIGN_DATE_MISSING", p, {"slot": "table2"})
    p.sign_date = None
    p.hints.sign_blank = True
    c.add("SIGN_DATE_MISSING", p, {"slot": "commit"})


# ---------------------------------------------------------------------- seals
def _slot(c: Ctx) -> tuple[Party, str]:
    p = c.pick(("enterprise", "provider", "lead"))
    return p, c.rng.choice(sorted(p.hints.slots))


def seal_missing(c: Ctx) -> None:
    p, slot = _slot(c)
    p.hints.slots[slot] = SealSpec(text=None, kind="none")
    c.add("SEAL_MISSING", p, {"slot": slot})


def seal_name_mismatch(c: Ctx) -> None:
    p, slot = _slot(c)
    others = [q.name for q in c.spec.parties if q.key != p.key]
    text = one_char_off(c.rng, p) if c.rng.random() < 0.5 else c.rng.choice(others)
    p.hints.slots[slot] = SealSpec(text=text, kind="company")
    c.add("SEAL_NAME_MISMATCH", p, {"slot": slot, "found": text})


def seal_wrong_type(c: Ctx) -> None:
    p, slot = _slot(c)
    kind = c.rng.choice(["finance", "contract", "invoice"])
    p.hints.slots[slot] = SealSpec(text=p.name, kind=kind)
    c.add("SEAL_WRONG_TYPE", p, {"slot": slot, "found": kind})


def straddle_missing(c: Ctx) -> None:
    c.spec.straddle_seals = False
    c.spec.extras["force_scan_app"] = True
    c.add("STRADDLE_SEAL_MISSING", None, {})


# ------------------------------------------------------------------- identity
def uscc_invalid(c: Ctx) -> None:
    p = c.pick()
    set_uscc(p, U.corrupt(c.rng, p.uscc))
    c.add("USCC_INVALID", p, {"found": p.uscc})


def uscc_mismatch(c: Ctx) -> None:
    p = c.pick()
    p.declared.uscc = U.same_region_other(c.rng, p.uscc)
    c.add("USCC_MISMATCH", p, {"declared": p.declared.uscc, "found": p.uscc})


def name_mismatch(c: Ctx) -> None:
    p = c.pick()
    lic = p.name
    cands = [w for ws in (v[1] for v in V.CHAINS.values()) for w in ws if w in lic]
    if "股份" in lic:
        new = lic.replace("股份有限公司", "有限公司")
    elif cands:
        alt = [w for w in V.CHAINS["智能装备"][1] + V.CHAINS["新能源汽车"][1] if w not in lic and cands[0] not in w]
        new = lic.replace(cands[0], c.rng.choice(alt), 1)
    else:
        new = one_char_off(c.rng, p)
    p.declared.name = new
    c.spec.table1_enterprises = [new if n == lic else n for n in c.spec.table1_enterprises]
    c.add("NAME_MISMATCH", p, {"declared": new, "found": lic})


def established_mismatch(c: Ctx) -> None:
    p = c.pick()
    d = dt.date.fromisoformat(p.license.established)
    nd = add_years(d, c.rng.choice([-2, -1, 1])) if c.rng.random() < 0.5 else d + dt.timedelta(days=c.rng.randint(20, 300))
    p.declared.established = nd.isoformat()
    c.add("ESTABLISHED_MISMATCH", p, {"declared": nd.isoformat(), "found": p.license.established})


def capital_mismatch(c: Ctx) -> None:
    p = c.pick(roles=("enterprise",))
    cap = p.license.registered_capital_wan
    new = c.rng.choice([x for x in (60, 150, 250, 400, 600, 888, 1100, 2500) if x != cap])
    p.declared.registered_capital_wan = float(new)
    c.add("CAPITAL_MISMATCH", p, {"declared": new, "found": cap})


def address_mismatch(c: Ctx) -> None:
    p = c.pick()
    d = c.rng.choice([x for x in V.DISTRICTS if x != p.hints.district])
    p.declared.address = address(c.rng, d)
    c.add("ADDRESS_MISMATCH", p, {"declared": p.declared.address, "found": p.license.address})


# ---------------------------------------------------------------- eligibility
def not_in_jiangmen(c: Ctx) -> None:
    p = c.pick()
    if c.rng.random() < 0.7:
        city = c.rng.choice(sorted(U.OUTSIDE))
        word = V.CHAINS[c.spec.chain][1][0]
        rename(c.spec, p, f"{city}{p.hints.zihao}{word}有限公司")
        addr = f"广东省{city}{c.rng.choice(V.OUTSIDE_TOWNS[city])}{c.rng.choice(V.ROADS)}{c.rng.randint(1, 399)}号"
        p.license.address = p.declared.address = addr
        p.license.authority = f"{city}市场监督管理局"
        set_uscc(p, U.make(c.rng, U.OUTSIDE[city], letters=p.uscc[8:10] == "MA"))
        return c.add("NOT_IN_JIANGMEN", p, {"found": addr})
    city = c.rng.choice(sorted(U.OUTSIDE))
    set_uscc(p, U.make(c.rng, U.OUTSIDE[city], letters=p.uscc[8:10] == "MA"))
    c.add("NOT_IN_JIANGMEN", p, {"found": p.uscc, "address": p.license.address})


def company_too_young(c: Ctx) -> None:
    p = c.pick()
    app = dt.date.fromisoformat(c.spec.application_date)
    est = app - dt.timedelta(days=c.rng.randint(200, 330))
    p.license.established = p.declared.established = est.isoformat()
    p.license.term = f"{est:%Y年%m月%d日}至长期"
    p.license.issued = est.isoformat()
    set_uscc(p, U.make(c.rng, p.uscc[2:8], letters=True))
    c.add("COMPANY_TOO_YOUNG", p, {"found": est.isoformat()})


def not_independent(c: Ctx) -> None:
    p = c.pick()
    if c.rng.random() < 0.7:
        parent = p.name
        rename(c.spec, p, f"{parent}{c.rng.choice(['鹤山', '台山', '开平', '恩平', '新会'])}分公司")
        p.license.company_type = "有限责任公司分公司（自然人投资或控股）"
        p.license.legal_representative = person(c.rng)
    else:
        rename(c.spec, p, f"{p.license.address[:3] if p.license.address[:3] in V.CITY_LEVEL else '江门市'}"
                          f"{p.hints.zihao}{c.rng.choice(['五金加工厂', '制品厂', '加工部'])}")
        p.license.company_type = "个体工商户"
        set_uscc(p, U.make(c.rng, p.uscc[2:8], category="2", letters=True))
    p.license.registered_capital_wan = None
    p.license.registered_capital_text = None
    c.add("NOT_INDEPENDENT_LEGAL_PERSON", p, {"found": p.license.company_type})


def consortium_small(c: Ctx) -> None:
    c.add("CONSORTIUM_TOO_SMALL", None, {"found": len(c.spec.enterprises)})


def party_list(c: Ctx) -> None:
    p = c.pick()
    c.spec.table1_enterprises = [n for n in c.spec.table1_enterprises if n != (p.declared.name or p.name)]
    c.add("PARTY_LIST_MISMATCH", p, {"missing_in": "table1"})


REGISTRY: dict[str, Callable[[Ctx], None]] = {}
