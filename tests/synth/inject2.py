"""Budget, financial and integrity injections; the registry and `apply`."""
from __future__ import annotations

import datetime as dt
import random

from . import budget as B
from .build import recompute_table1
from .inject import (ALL_CODES, INCOMPATIBLE, Ctx, capital_mismatch, company_too_young, consortium_small,
                     doc_missing, doc_unreadable, established_mismatch, field_empty, name_mismatch,
                     not_in_jiangmen, not_independent, one_char_off, party_list, seal_missing,
                     seal_name_mismatch, seal_wrong_type, sign_date_missing, straddle_missing,
                     uscc_invalid, uscc_mismatch, address_mismatch)
from .model import PacketSpec
from .world import kpis, overview


def _suppliers(c: Ctx) -> list[str]:
    return [c.spec.lead.name] + [p.name for p in c.spec.providers]


def line_amount(c: Ctx) -> None:
    p = c.pick()
    i = c.rng.randrange(len(p.declared.products))
    x = p.declared.products[i]
    x.unit_price = x.unit_price + c.rng.choice([-1, 1]) * c.rng.choice([100, 500, 1000, 2000])
    if x.unit_price <= 0:
        x.unit_price += 3000
    c.add("LINE_AMOUNT_MISMATCH", p, {"row": i + 1, "declared": x.amount, "found": x.unit_price * x.quantity})


def total_mismatch(c: Ctx) -> None:
    v = c.rng.choice(["self_pay", "rows", "table1"])
    if v == "table1":
        c.spec.extras["table1_total_off"] = c.rng.choice([-1, 1]) * c.rng.choice([1.5, 3.2, 10.0, 12.8])
        return c.add("TOTAL_MISMATCH", None, {"variant": "table1_total"})
    p = c.pick()
    d = p.declared
    delta = c.rng.choice([1000, 2000, 5000, 10000])
    if v == "self_pay":
        d.self_pay = round(d.self_pay + delta, 2)
    else:
        d.product_total = round(d.product_total + delta, 2)
        d.self_pay = round(d.self_pay + delta, 2)
    recompute_table1(c.spec)
    c.add("TOTAL_MISMATCH", p, {"variant": v})


def ratio_exceeded(c: Ctx) -> None:
    p = c.pick()
    d = p.declared
    if 0.8 * d.product_total + 1000 > 500000:
        B.resize(p, c.rng.uniform(300000, 500000))
    B.set_subsidy(p, c.rng.uniform(0.83, 0.95))
    recompute_table1(c.spec)
    c.add("SUBSIDY_RATIO_EXCEEDED", p, {"declared": d.subsidy, "limit": round(0.8 * d.product_total, 2)})


def cap_exceeded(c: Ctx) -> None:
    p = c.pick()
    B.resize(p, c.rng.uniform(700000, 800000))
    B.set_subsidy(p, c.rng.uniform(0.74, 0.78), cap=10**9)          # > 518,000
    recompute_table1(c.spec)
    c.add("SUBSIDY_CAP_EXCEEDED", p, {"declared": p.declared.subsidy, "limit": 500000})


def cluster_cap(c: Ctx) -> None:
    for e in c.spec.enterprises:
        if e.key not in c.used:
            B.resize(e, c.rng.uniform(600000, 640000))
            B.set_subsidy(e, 0.785)
    recompute_table1(c.spec)
    c.add("CLUSTER_CAP_EXCEEDED", None, {"found_wan": c.spec.subsidy_wan})


def services_share(c: Ctx) -> None:
    p = c.pick()
    B.add_services(p, c.rng, _suppliers(c))
    B.set_subsidy(p, c.rng.uniform(0.5, 0.75))
    recompute_table1(c.spec)
    c.add("SERVICES_SHARE_EXCEEDED", p, {})


def no_saas(c: Ctx) -> None:
    p = c.pick()
    B.drop_saas(p, c.rng)
    B.set_subsidy(p, c.rng.uniform(0.5, 0.75))
    recompute_table1(c.spec)
    c.add("NO_SAAS_PRODUCT", p, {})


def project_too_long(c: Ctx) -> None:
    s = dt.date.fromisoformat(c.spec.project_start)
    end = s.replace(year=s.year + 1) + dt.timedelta(days=c.rng.randint(30, 200))
    c.spec.project_end = end.isoformat()
    c.add("PROJECT_TOO_LONG", None, {"found": [c.spec.project_start, c.spec.project_end]})


def kpi_few(c: Ctx) -> None:
    n = c.rng.choice([1, 2, 2])
    c.spec.kpis = kpis(c.rng, n)
    c.add("KPI_TOO_FEW", None, {"found": n})


def overview_long(c: Ctx) -> None:
    s = c.spec
    s.overview = overview(s.cluster_name, s.lead.name, len(s.enterprises), s.chain, c.rng, long=True)
    c.add("OVERVIEW_TOO_LONG", None, {"found": len(s.overview)})


def revenue(c: Ctx) -> None:
    p = c.pick()
    f = c.rng.uniform(1.05, 1.4) if c.rng.random() < 0.5 else c.rng.uniform(0.6, 0.95)
    p.declared.revenue_2024_wan = round(p.financials.revenue / 10000 * f, 2)
    c.add("REVENUE_MISMATCH", p, {"declared": p.declared.revenue_2024_wan, "found": p.financials.revenue})


def _audited(c: Ctx, **kw):
    return c.pick(("enterprise", "provider", "lead"), need_audit=True)


def unbalanced(c: Ctx) -> None:
    p = _audited(c)
    f = p.financials
    off = round(c.rng.choice([-1, 1]) * c.rng.uniform(10000, 900000), 2)
    p.hints.balance_off = off
    f.total_assets = round(f.total_liabilities + f.total_equity + off, 2)
    c.add("BALANCE_SHEET_UNBALANCED", p, {"total_assets": f.total_assets,
                                          "total_liabilities_and_equity": round(f.total_liabilities + f.total_equity, 2)})


def audit_year(c: Ctx) -> None:
    p = _audited(c)
    p.financials.fiscal_year = c.rng.choice([2023, 2023, 2022])
    c.add("AUDIT_YEAR_WRONG", p, {"found": p.financials.fiscal_year})


def opinion(c: Ctx) -> None:
    p = c.pick(("enterprise", "provider", "lead"), need_audit=True, audit_only=True)
    op = c.rng.choice(["qualified", "adverse", "disclaimer", "unqualified_with_emphasis"])
    p.financials.opinion = op
    c.add("AUDIT_OPINION_MODIFIED", p, {"found": op})


def entity(c: Ctx) -> None:
    p = _audited(c)
    p.financials.entity = one_char_off(c.rng, p)
    c.add("AUDIT_ENTITY_MISMATCH", p, {"found": p.financials.entity})


def statements(c: Ctx) -> None:
    p = c.pick(("enterprise", "provider", "lead"))
    k = c.rng.randint(2, 5)
    p.statements_months = list(range(1, k + 1)) if c.rng.random() < 0.6 else list(range(7 - k, 7))[:k - 1] + [6]
    p.statements_months = sorted(set(p.statements_months))
    c.add("STATEMENTS_PERIOD_INCOMPLETE", p, {"found": p.statements_months})


def duplicate(c: Ctx) -> None:
    src = c.pick()
    dst = c.pick()
    if c.rng.random() < 0.6:
        dst.hints.dup_license_of = src.key
    else:
        dst.hints.dup_statements_of = src.key
    c.spec.injected.append({"code": "DUPLICATE_DOCUMENT", "party": dst.key, "source": src.key})
    c.spec.expected.append({"code": "DUPLICATE_DOCUMENT", "severity": "warning", "party_uscc": None,
                            "party_name": None, "detail": {"parties": [src.uscc, dst.uscc]}})


def survey_small(c: Ctx) -> None:
    rows = c.spec.survey_rows
    v = c.rng.choice(["rows", "types", "type_count"])
    types = sorted({r.type for r in rows})
    if v == "rows":
        del rows[c.rng.randint(10, 14):]
    elif v == "types":
        keep = types[:4]
        for i, r in enumerate(rows):
            if r.type not in keep:
                r.type = keep[i % 4]
    else:
        t = types[0]
        tr = [r for r in rows if r.type == t]
        for r in tr[2:]:
            r.type = types[1]
    c.add("SURVEY_TOO_SMALL", None, {"variant": v})


REGISTRY = {
    "DOC_MISSING": doc_missing, "DOC_UNREADABLE": doc_unreadable, "FIELD_EMPTY": field_empty,
    "SIGN_DATE_MISSING": sign_date_missing, "SEAL_MISSING": seal_missing, "SEAL_NAME_MISMATCH": seal_name_mismatch,
    "SEAL_WRONG_TYPE": seal_wrong_type, "STRADDLE_SEAL_MISSING": straddle_missing, "USCC_INVALID": uscc_invalid,
    "USCC_MISMATCH": uscc_mismatch, "NAME_MISMATCH": name_mismatch, "ESTABLISHED_MISMATCH": established_mismatch,
    "CAPITAL_MISMATCH": capital_mismatch, "ADDRESS_MISMATCH": address_mismatch, "NOT_IN_JIANGMEN": not_in_jiangmen,
    "COMPANY_TOO_YOUNG": company_too_young, "NOT_INDEPENDENT_LEGAL_PERSON": not_independent,
    "CONSORTIUM_TOO_SMALL": consortium_small, "PARTY_LIST_MISMATCH": party_list,
    "LINE_AMOUNT_MISMATCH": line_amount, "TOTAL_MISMATCH": total_mismatch, "SUBSIDY_RATIO_EXCEEDED": ratio_exceeded,
    "SUBSIDY_CAP_EXCEEDED": cap_exceeded, "CLUSTER_CAP_EXCEEDED": cluster_cap,
    "SERVICES_SHARE_EXCEEDED": services_share, "NO_SAAS_PRODUCT": no_saas, "PROJECT_TOO_LONG": project_too_long,
    "KPI_TOO_FEW": kpi_few, "OVERVIEW_TOO_LONG": overview_long, "REVENUE_MISMATCH": revenue,
    "BALANCE_SHEET_UNBALANCED": unbalanced, "AUDIT_YEAR_WRONG": audit_year, "AUDIT_OPINION_MODIFIED": opinion,
    "AUDIT_ENTITY_MISMATCH": entity, "STATEMENTS_PERIOD_INCOMPLETE": statements, "DUPLICATE_DOCUMENT": duplicate,
    "SURVEY_TOO_SMALL": survey_small,
}
assert set(REGISTRY) == set(ALL_CODES)
# applied first: they reshape the budget of every enterprise
ORDER_FIRST = ["CLUSTER_CAP_EXCEEDED"]


def check_compatible(codes: list[str]) -> None:
    unknown = [c for c in codes if c not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown finding codes: {unknown}")
    for bad in INCOMPATIBLE:
        if bad <= set(codes):
            raise ValueError(f"codes cannot be combined: {sorted(bad)}")


def apply(spec: PacketSpec, codes: list[str], rng: random.Random) -> None:
    check_compatible(codes)
    c = Ctx(spec, rng)
    c.codes = list(codes)
    ordered = [x for x in ORDER_FIRST if x in codes] + [x for x in codes if x not in ORDER_FIRST]
    for code in ordered:
        REGISTRY[code](c)
