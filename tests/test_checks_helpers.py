"""Normalisation, rule-pack loading, and run_checks resilience."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.checks import GROUPS, run_checks
from pipeline.checks.base import capital_wan_from_text, is_blank, norm_name, to_date, to_number
from pipeline.checks.budget import is_saas, is_service
from pipeline.checks.eligibility import where_is
from pipeline.checks.identity import norm_address
from pipeline.checks.uscc import region, uscc_problem
from pipeline.rules import RulesError, load_rules
from models.provenance import Evidence, Field
from tests.checks_fixtures import clean_context, codes, doc, setf

pytestmark = pytest.mark.quick
RULES = load_rules()


@pytest.mark.parametrize("s,want", [("2019年03月15日", date(2019, 3, 15)), ("2019-03-15", date(2019, 3, 15)),
                                    ("2019.3.15", date(2019, 3, 15)), ("二〇一九年三月十五日", date(2019, 3, 15)),
                                    ("２０１９年３月１５日", date(2019, 3, 15)), ("2019年13月1日", None), ("", None)])
def test_to_date(s, want):
    assert to_date(s) == want


@pytest.mark.parametrize("s,want", [("人民币伍佰万元整", 500.0), ("伍佰陆拾捌万伍仟元", 568.5), ("568.5万元", 568.5),
                                    ("壹仟伍佰万元", 1500.0), ("100万美元", None), ("5000000元", 500.0)])
def test_capital_text(s, want):
    assert capital_wan_from_text(s) == want


def test_to_number():
    assert to_number("1,234.50") == 1234.5
    assert to_number("１２３") == 123.0
    assert to_number("壹佰贰拾叁万元整") == 1230000.0
    assert to_number("abc") is None and to_number(None) is None


def test_names_and_addresses_normalise():
    assert norm_name("江门市 康锐(汽车)配件有限公司") == norm_name("江门市康锐（汽车）配件有限公司")
    assert norm_address("广东省江门市新会区古井镇腾飞路46号（自编2号）", RULES) == \
        norm_address("新会区古井镇腾飞路46号(自编2号)", RULES)
    # a speck read as a colon on a scanned licence is no other address (a false ADDRESS_MISMATCH)
    assert norm_address("开平市长沙街道金星路:351号（自编2号）", RULES) == norm_address("开平市长沙街道金星路351号（自编2号）", RULES)
    assert norm_address("开平市长沙街道金星路352号", RULES) != norm_address("开平市长沙街道金星路351号", RULES)


@pytest.mark.parametrize("addr,inside", [("广东省中山市小榄镇富民路330号（厂房A）", False), ("开平市水口镇迎宾路201号", True),
                                         ("江门市蓬江区棠下镇振兴路171号", True), ("佛山市顺德区大良街道", False),
                                         ("水口镇建设市场1号", None), ("广东省江门高新技术产业开发区龙溪路1号", True)])
def test_where_is(addr, inside):
    assert where_is(addr, RULES)[0] is inside


@pytest.mark.parametrize("name,saas,service", [
    ("华为云 MES 生产执行系统 标准版", True, False), ("IoT 设备接入平台 IoTDA 基础版", True, False),
    ("ERP 企业资源计划云服务（20用户/年）", True, False), ("MES 系统实施服务（人天）", False, True),
    ("数字化转型咨询诊断服务", False, True), ("二次开发服务（人天）", False, True),
    ("云服务器 ECS 通用计算增强型 4vCPUs|16GiB（包年）", False, False), ("Web应用防火墙 WAF 标准版（年）", False, False),
    ("仓储管理系统", True, False), ("系统集成与数据迁移实施服务", False, True)])
def test_product_classes(name, saas, service):
    assert is_saas(name, RULES) is saas
    assert is_service(name, RULES) is service


def test_uscc():
    assert uscc_problem("91440704691000770Q") is None
    assert uscc_problem("91440704691000770R") == "校验码错误"
    assert uscc_problem("914407046910007") is not None
    assert region("91442000755622027M") == "442000"


def test_blank_means_located_and_empty():
    ev = Evidence(file="a.pdf", page=1, bbox=(0, 0, 1, 1))
    assert is_blank(Field(name="x", value=None, raw="", evidence=ev))
    assert is_blank(Field(name="x", value=None, raw="日期：  年  月  日", evidence=ev))
    assert not is_blank(Field(name="x", value=None, raw=None, evidence=None))        # never located
    assert not is_blank(Field(name="x", value=None, raw="2025年8月", evidence=ev))   # unparsed, not blank


def test_rules_default_and_errors(tmp_path):
    r = load_rules("2025-jiangmen")
    assert r["thresholds"]["subsidy_cap_yuan"] == 500000
    assert r["seals"]["required"][0]["slot"] == "cover"
    assert "440703" in r["region"]["codes"]
    with pytest.raises(RulesError, match="not found"):
        load_rules("1999-nowhere")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nthresholds: [1, 2\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(str(bad))
    partial = tmp_path / "partial.yaml"
    partial.write_text("name: x\nprogram_year: 2026\n", encoding="utf-8")
    with pytest.raises(RulesError, match="thresholds"):
        load_rules(str(partial))


def check_boom(ctx):
    raise RuntimeError("boom")


def test_crashing_check_does_not_kill_the_review():
    ctx = clean_context()
    setf(doc(ctx, "application_form", "E03", "table2"), "revenue_2024_wan", 1300.0)
    GROUPS.insert(0, ("tests.test_checks_helpers", "check_boom"))
    try:
        errors: list[str] = []
        found = run_checks(ctx, errors)
    finally:
        GROUPS.pop(0)
    assert len(errors) == 1 and "boom" in errors[0]
    assert "REVENUE_MISMATCH" in codes(found)


def test_normalised_variants_are_not_mismatches():
    ctx = clean_context()
    t2 = doc(ctx, "application_form", "E03", "table2")
    lic = doc(ctx, "business_license", "E03")
    setf(lic, "name", lic.value("name").replace("有限公司", " 有限公司"))
    setf(t2, "established", "2010年03月15日")
    setf(lic, "registered_capital_wan", None)                      # only the 大写 text was read
    setf(t2, "address", "广东省" + lic.value("address"))
    setf(doc(ctx, "audit_report", "E03"), "revenue", 12345678.9 * 1.009)   # within 1 %
    assert codes(run_checks(ctx)) == []


def test_unread_values_claim_nothing():
    ctx = clean_context()
    t2 = doc(ctx, "application_form", "E03", "table2")
    for k in ("uscc", "name", "established", "registered_capital_wan", "address", "revenue_2024_wan"):
        t2.fields[k] = Field(name=k, value=None, raw=None, evidence=None, confidence=0.0)
    lic = doc(ctx, "business_license", "E04")
    for k in ("company_type", "address", "established"):
        lic.fields[k] = Field(name=k, value=None, raw=None, evidence=None, confidence=0.0)
    assert codes(run_checks(ctx)) == []


def test_low_confidence_is_info_only():
    ctx = clean_context()
    setf(doc(ctx, "business_license", "E05"), "address", doc(ctx, "business_license", "E05").value("address"),
         conf=0.5)
    found = run_checks(ctx)
    assert codes(found) == []
    assert [f.code for f in found] == ["OCR_LOW_CONFIDENCE"]
    assert found[0].evidence and found[0].party_uscc == ctx.party("E05").uscc


def test_ocr_twin_names_are_one_party():
    """An OCR'd 表一 that misreads one character makes a twin party with no materials: not a mismatch."""
    from models.packet import Party
    ctx = clean_context()
    t1 = doc(ctx, "application_form", None, "table1")
    t1.ocr = True
    misread = "江门市第7号五金制晶有限公司"
    t1.rows[6]["name"] = t1.rows[6]["name"].model_copy(update={"value": misread})
    ctx.parties.append(Party(key="E11", role="enterprise", name=misread, listed_in_table1=True))
    assert codes(run_checks(ctx)) == []
    t1.ocr = False   # on a text layer the same difference is a real mismatch
    t1.rows[6]["name"] = t1.rows[6]["name"].model_copy(update={
        "evidence": t1.rows[6]["name"].evidence.model_copy(update={"engine": "pdfplumber"})})
    assert "PARTY_LIST_MISMATCH" in codes(run_checks(ctx))


def _licence_image(path, seed: int, noise: int = 0):
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(seed)
    img = np.full((600, 850, 3), 235, np.uint8)
    for _ in range(40):  # dark blocks standing in for text and emblem
        y, x = rng.integers(0, 560), rng.integers(0, 800)
        img[y:y + rng.integers(8, 40), x:x + rng.integers(20, 200)] = rng.integers(0, 120)
    if noise:
        img = np.clip(img.astype(int) + np.random.default_rng(99).integers(-noise, noise, img.shape), 0, 255)
    Image.fromarray(img.astype(np.uint8)).save(path, **({"quality": 70} if str(path).endswith(".jpg") else {}))


def _with_images(ctx, tmp_path, images: dict[str, str]):
    from models.packet import StoredFile
    for key, src in images.items():
        lic = doc(ctx, "business_license", key)
        sf = next(f for f in ctx.packet.files if f.path == lic.file)
        ctx.packet.files[ctx.packet.files.index(sf)] = sf.model_copy(update={"blob": str(src),
                                                                             "media_type": "image/jpeg"})


def test_duplicate_licence_image_near_identical(tmp_path):
    a, a2, b = tmp_path / "a.png", tmp_path / "a2.png", tmp_path / "b.png"
    _licence_image(a, 1)
    a2 = tmp_path / "a2.jpg"
    _licence_image(a2, 1)               # the same licence, re-encoded as JPEG
    _licence_image(b, 2)
    ctx = clean_context()
    _with_images(ctx, tmp_path, {"E02": a, "E05": a2, "E06": b})
    found = [f for f in run_checks(ctx) if f.code == "DUPLICATE_DOCUMENT"]
    assert len(found) == 1
    assert sorted(found[0].detail["parties"]) == sorted([ctx.party("E02").uscc, ctx.party("E05").uscc])
    assert "dhash" in found[0].detail["how"] and len(found[0].evidence) == 2


def test_distinct_licence_images_are_not_duplicates(tmp_path):
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"l{i}.png")
        _licence_image(paths[-1], 10 + i)
    ctx = clean_context()
    _with_images(ctx, tmp_path, {k: p for k, p in zip(["E01", "E02", "E03", "E04"], paths)})
    assert codes(run_checks(ctx)) == []


def test_misfiled_licence_is_not_compared():
    """Another company's licence tied to E03 by its place in a scan: no identity mismatches claimed."""
    ctx = clean_context()
    lic = doc(ctx, "business_license", "E03")
    setf(lic, "name", "江门市永诚信息科技有限公司")
    setf(lic, "uscc", ctx.party("P1").uscc)
    setf(lic, "established", date(2002, 5, 1))
    lic.extra["content_party"] = None
    assert [c for c in codes(run_checks(ctx)) if c.endswith("MISMATCH")] == []


def test_cut_off_provider_name_finds_its_documents():
    """表一 reads '江门市永诚信' (cell wrapped); its licence etc. are untied: no DOC_MISSING."""
    ctx = clean_context()
    p1 = ctx.party("P1")
    for i in p1.documents:
        d = ctx.documents[i]
        d.party_key = d.party_uscc = d.party_name = None
        d.extra["content_party"] = None
    p1.documents, p1.name, p1.uscc = [], "江门市永诚信", None
    assert codes(run_checks(ctx)) == []
    for d in ctx.documents:   # and without those documents it is missing
        if d.value("name") == "江门市永诚信息科技有限公司" or d.value("entity") == "江门市永诚信息科技有限公司" \
                or d.value("committer") == "江门市永诚信息科技有限公司":
            d.fields.clear()
    assert "DOC_MISSING" in codes(run_checks(ctx))


def test_table1_row_lost_by_ocr_claims_no_party_list_mismatch():
    ctx = clean_context()
    t1 = doc(ctx, "application_form", None, "table1")
    t1.rows.pop(6)                                  # 序号 7 unread: 1..6, 8..10
    assert "PARTY_LIST_MISMATCH" not in codes(run_checks(ctx))
    assert "CONSORTIUM_TOO_SMALL" not in codes(run_checks(ctx))


def test_table1_rows_under_seals_claim_no_party_list_mismatch():
    """An OCR'd 表一 whose last two enterprise rows lie under the providers' seals: one name cut off at the seal
    ('…洁具有'), the last row's 序号 read but not its name. Neither is a party-list discrepancy."""
    ctx = clean_context()
    t1 = doc(ctx, "application_form", None, "table1")
    t1.ocr = True
    ents = [r for r in t1.rows if r["role"].value == "enterprise"]
    cut = ents[-2]["name"]
    ents[-2]["name"] = cut.model_copy(update={"value": cut.value[:-3], "confidence": 0.5})
    ents[-1]["name"] = ents[-1]["name"].model_copy(update={"value": None, "confidence": 0.0})
    assert "PARTY_LIST_MISMATCH" not in codes(run_checks(ctx))
    assert "CONSORTIUM_TOO_SMALL" not in codes(run_checks(ctx))


def test_unreadable_file_in_a_party_folder_is_not_also_missing():
    from models.packet import FileProblem
    ctx = clean_context()
    audit = doc(ctx, "audit_report", "E04")
    ctx.problems.append(FileProblem(file="E04/审计报告(1).pdf", message="零页"))
    from tests.checks_fixtures import remove_doc
    remove_doc(ctx, audit)
    assert codes(run_checks(ctx)) == ["DOC_UNREADABLE"]


def test_the_complete_audit_report_is_the_partys_not_a_resent_first_part():
    """A re-sent copy of an audit report's opinion page (no statements) filed first must not hide the figures."""
    from pipeline.assemble import party_out
    ctx = clean_context()
    party = next(p for p in ctx.parties if p.key == "E03")
    full = doc(ctx, "audit_report", "E03")
    part = full.model_copy(deep=True, update={"pages": [("E03/审计报告1(1).pdf", 1)]})
    part.fields = {k: v for k, v in part.fields.items() if k in ("entity", "opinion", "fiscal_year")}
    ctx.documents.insert(0, part)
    for p in ctx.parties:
        p.documents = [j + 1 for j in p.documents]
    party.documents.insert(0, 0)
    setf(doc(ctx, "application_form", "E03", "table2"), "revenue_2024_wan", 1300.0)
    assert "REVENUE_MISMATCH" in codes(run_checks(ctx))
    assert party_out(party, ctx).financials.revenue == full.value("revenue") is not None


def test_a_one_character_audited_entity_change_on_a_scan_counts_when_read_the_same_twice():
    """On an OCR'd audit report a one-character difference in the audited entity is taken for OCR noise,
    unless the same name is read surely on two lines (纳税人名称 and the balance sheet's 编制单位)."""
    from models.provenance import TextLine
    for twice in (True, False):
        ctx = clean_context()
        party = next(p for p in ctx.parties if p.key == "E03")
        audit = doc(ctx, "audit_report", "E03")
        audit.ocr = True
        changed = party.name.replace(party.name[3], "锦" if party.name[3] != "锦" else "丰", 1)
        setf(audit, "entity", changed, conf=0.999)
        lines = [f"纳税人名称：{changed}", f"编制单位：{changed} 2024年12月31日 单位：元"][: 2 if twice else 1]
        for i, text in enumerate(lines):
            page = ctx.page(*audit.pages[i])
            page.lines.append(TextLine(text=text, bbox=(50, 50, 400, 64), confidence=0.999))
        assert ("AUDIT_ENTITY_MISMATCH" in codes(run_checks(ctx))) is twice


def test_a_member_two_characters_off_another_companys_row_is_not_listed():
    """Every 表一 entry is held by its own party; a member with its own licence and credit code, missing from 表一,
    is two characters off one of them (宏诚电机 against the 金锦电机 row): that row is the other company's, so the
    member is not listed (PARTY_LIST_MISMATCH was missed on a fresh scan)."""
    from models.packet import Party
    ctx = clean_context()
    t1 = doc(ctx, "application_form", None, "table1")
    t1.ocr = True
    e6 = ctx.party("E06")
    lic = doc(ctx, "business_license", "E06").model_copy(deep=True)
    name = e6.name.replace("五金", "锦华")
    assert name != e6.name and sum(a != b for a, b in zip(name, e6.name)) == 2
    setf(lic, "name", name)
    setf(lic, "uscc", "91440705MA4UQ6XK5U")
    ctx.documents.append(lic)
    lic.party_key, lic.party_name, lic.party_uscc = "E11", name, "91440705MA4UQ6XK5U"
    ctx.parties.append(Party(key="E11", role="enterprise", name=name, uscc="91440705MA4UQ6XK5U",
                             documents=[len(ctx.documents) - 1]))
    found = [f for f in run_checks(ctx) if f.code == "PARTY_LIST_MISMATCH"]
    assert [(f.party_name, f.detail["missing_in"]) for f in found] == [(name, ["table1"])]
