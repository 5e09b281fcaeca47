"""pipeline.fmt_cn: Chinese dates, amounts, 大写, names."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline import fmt_cn as cn

pytestmark = pytest.mark.quick


@pytest.mark.parametrize("value, text", [
    ("2025-08-14", "2025年8月14日"), ("2025-8-27", "2025年8月27日"), (dt.date(2019, 3, 5), "2019年3月5日"),
    (dt.datetime(2025, 12, 31, 23, 59), "2025年12月31日"), ("2025-08-27T10:00:00", "2025年8月27日"),
    (None, cn.EMPTY), ("", cn.EMPTY),
])
def test_fmt_date(value, text):
    assert cn.fmt_date(value) == text


def test_fmt_date_bad_input_kept_or_raised():
    assert cn.fmt_date("2025-02-30") == "2025-02-30"      # not a day: shown as-is
    assert cn.fmt_date("二〇一九年三月十五日") == "二〇一九年三月十五日"
    with pytest.raises(ValueError):
        cn.fmt_date("2025-02-30", strict=True)


@pytest.mark.parametrize("value, yuan, wan", [
    (1234567, "1,234,567.00元", "123.46万元"),
    (1234567.005, "1,234,567.01元", "123.46万元"),   # half-up, not banker's rounding, not float noise
    (0, "0.00元", "0.00万元"),
    (-45000.5, "-45,000.50元", "-4.50万元"),
    ("1,000,000", "1,000,000.00元", "100.00万元"),
    (Decimal("5000000"), "5,000,000.00元", "500.00万元"),
    (125, "125.00元", "0.01万元"),
])
def test_yuan_and_wan(value, yuan, wan):
    assert cn.fmt_yuan(value) == yuan
    assert cn.fmt_yuan_as_wan(value) == wan


def test_wan_and_both():
    assert cn.fmt_wan(128) == "128.00万元"
    assert cn.fmt_wan(1348.875) == "1,348.88万元"
    assert cn.fmt_yuan_both(400000) == "400,000.00元（40.00万元）"
    assert cn.fmt_yuan(None) == cn.EMPTY and cn.fmt_yuan("n/a") == "n/a"
    with pytest.raises(ValueError):
        cn.fmt_yuan("n/a", strict=True)
    with pytest.raises(ValueError):
        cn.fmt_yuan(True, strict=True)


@pytest.mark.parametrize("value, text", [
    (1234567, "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元整"),
    (1234567.89, "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (5000000, "人民币伍佰万元整"),
    (100.01, "人民币壹佰元零壹分"),
    (1000000.05, "人民币壹佰万元零伍分"),
    (100010001, "人民币壹亿零壹万零壹元整"),
    (20300, "人民币贰万零叁佰元整"),
    (10.5, "人民币壹拾元伍角"),
    (0, "人民币零元整"),
    ("1,280,000.00", "人民币壹佰贰拾捌万元整"),
    # cn2an truncates; the wrapper rounds half-up to the fen
    (0.999, "人民币壹元整"),
    (1.999, "人民币贰元整"),
    (1.005, "人民币壹元零壹分"),
    (2.675, "人民币贰元陆角捌分"),
    (0.1 + 0.2, "人民币叁角"),
])
def test_daxie(value, text):
    assert cn.daxie(value) == text


def test_daxie_edges():
    assert cn.daxie(500, prefix="") == "伍佰元整"
    assert cn.daxie(-12.5) == "人民币负壹拾贰元伍角"
    with pytest.raises(ValueError):
        cn.daxie(10 ** 16)
    with pytest.raises(ValueError):
        cn.daxie("壹佰元")
    with pytest.raises(ValueError):
        cn.daxie(float("nan"))


def test_names():
    assert [cn.severity_cn(s) for s in ("error", "warning", "info")] == ["错误", "警告", "提示"]
    assert [cn.status_cn(s) for s in ("pass", "fail", "review")] == ["通过", "不通过", "需人工复核"]
    assert [cn.role_cn(r) for r in ("lead", "enterprise", "provider")] == ["牵头单位", "工业企业", "服务商"]
    assert [cn.seal_kind_cn(k) for k in ("company", "finance", "contract", "invoice", "authority", "unknown")] == \
        ["公章", "财务专用章", "合同专用章", "发票专用章", "登记机关印章", "未识别"]
    kinds = ("application_form", "survey_report", "implementation_plan", "business_license", "audit_report",
             "tax_report", "financial_statements", "commitment_letter")
    assert [cn.doc_kind_cn(k) for k in kinds] == \
        ["申报书", "调研报告", "实施方案", "营业执照", "审计报告", "汇算清缴报告", "财务报表", "责任承诺函"]
    from models.provenance import DocKind, SealKind
    assert cn.doc_kind_cn(DocKind.tax_report) == "汇算清缴报告"
    assert cn.seal_kind_cn(SealKind.finance) == "财务专用章"
    assert cn.code_title("NEW_CODE_X") == "其他问题（NEW_CODE_X）"


def test_every_spec_code_has_a_title():
    spec = Path(__file__).resolve().parents[2] / "shared" / "spec" / "findings.md"
    if not spec.exists():
        pytest.skip(f"{spec} not present")
    codes = set(re.findall(r"^\| ([A-Z][A-Z0-9_]+) \|", spec.read_text(encoding="utf-8"), re.M))
    assert len(codes) >= 35
    assert codes <= set(cn.CODE_TITLE_CN), codes - set(cn.CODE_TITLE_CN)
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in cn.CODE_TITLE_CN.values())


def test_finding_values_use_the_unit_the_code_implies():
    assert cn.fmt_finding_value(10700.0, "LINE_AMOUNT_MISMATCH") == "10,700.00元（1.07万元）"
    assert cn.fmt_finding_value(1000, "CAPITAL_MISMATCH") == "1,000.00万元"
    assert cn.fmt_finding_value(1348.88, "TOTAL_MISMATCH", {"unit": "万元"}) == "1,348.88万元"
    assert cn.fmt_finding_value(0.85, "SUBSIDY_RATIO_EXCEEDED", {"unit": "%"}) == "85.00%"
    assert cn.fmt_finding_value(3, "SUBSIDY_RATIO_EXCEEDED", {"unit": None}) == "3"
    assert cn.fmt_finding_value(1236, "OVERVIEW_TOO_LONG", {"unit": "字"}) == "1236字"
    assert cn.fmt_finding_value("2002-07-22", "ESTABLISHED_MISMATCH") == "2002年7月22日"
    assert cn.fmt_finding_value("finance", "SEAL_WRONG_TYPE") == "财务专用章"
    assert cn.fmt_finding_value(None, "X") == cn.EMPTY
    assert cn.fmt_finding_value(True, "X") == "是"
    assert cn.fmt_field("registered_capital_wan", 128) == "128.00万元"
    assert cn.fmt_field("employees", 12) == "12人"
    assert cn.fmt_field("opinion", "qualified") == "保留意见"
    assert cn.fmt_plain({"subsidy": 400000}) == "财政扶持金额：400,000.00元（40.00万元）"
