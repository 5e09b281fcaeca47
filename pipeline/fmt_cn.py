"""Chinese official-document formatting for reviewer-facing text (report.html, spreadsheets).

Dates as 2025年8月14日, amounts as 1,234,567.00元 / 123.46万元 / 人民币壹佰贰拾叁万肆仟伍佰陆拾柒元整,
and the Chinese names of severities, statuses, finding codes, document kinds, roles and seal kinds.
Formatting never raises on odd report data unless asked to (`strict=True`): unknown input is shown as-is.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import cn2an

EMPTY = "—"  # shown for a missing value

# ---------------------------------------------------------------- dates

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?\s*$")


def fmt_date(value: _dt.date | str | None, strict: bool = False) -> str:
    """2025-08-14 / date / datetime -> '2025年8月14日'. None -> EMPTY; unparsable text is returned as-is
    (or raises ValueError with strict=True)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    m = _ISO.match(str(value))
    if m:
        try:
            d = _dt.date(int(m[1]), int(m[2]), int(m[3]))
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            pass
    if strict:
        raise ValueError(f"not an ISO date: {value!r}")
    return str(value)


def is_iso_date(value: Any) -> bool:
    """True for a date or an ISO 'YYYY-MM-DD' string that names a real day."""
    if isinstance(value, _dt.date):
        return True
    if not isinstance(value, str) or not _ISO.match(value):
        return False
    try:
        fmt_date(value, strict=True)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- amounts

_CENT = Decimal("0.01")


def to_decimal(amount: Any) -> Decimal:
    """A number (int/float/Decimal/str with optional thousands separators) as Decimal; ValueError otherwise.
    Floats go through repr so 2.675 stays 2.675 rather than 2.67499999…"""
    if isinstance(amount, bool) or amount is None:
        raise ValueError(f"not an amount: {amount!r}")
    if isinstance(amount, Decimal):
        d = amount
    elif isinstance(amount, (int, float)):
        d = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    else:
        try:
            d = Decimal(str(amount).replace(",", "").replace("，", "").strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {amount!r}") from None
    if not d.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    return d


def _round2(d: Decimal) -> Decimal:
    return d.quantize(_CENT, rounding=ROUND_HALF_UP)


def fmt_number(amount: Any, places: int = 2) -> str:
    """1234567.5 -> '1,234,567.50' (half-up rounding)."""
    d = to_decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,.{places}f}"


def fmt_yuan(amount: Any, strict: bool = False) -> str:
    """Amount in 元 -> '1,234,567.00元'."""
    if amount is None:
        return EMPTY
    try:
        return f"{fmt_number(amount)}元"
    except ValueError:
        if strict:
            raise
        return str(amount)


def fmt_wan(amount_wan: Any, strict: bool = False) -> str:
    """Amount already in 万元 -> '123.46万元'."""
    if amount_wan is None:
        return EMPTY
    try:
        return f"{fmt_number(amount_wan)}万元"
    except ValueError:
        if strict:
            raise
        return str(amount_wan)


def yuan_to_wan(amount: Any) -> Decimal:
    return to_decimal(amount) / Decimal(10000)


def fmt_yuan_as_wan(amount: Any, strict: bool = False) -> str:
    """Amount in 元 shown in 万元: 1234567 -> '123.46万元'."""
    if amount is None:
        return EMPTY
    try:
        return fmt_wan(yuan_to_wan(amount), strict=True)
    except ValueError:
        if strict:
            raise
        return str(amount)


def fmt_yuan_both(amount: Any) -> str:
    """'1,234,567.00元（123.46万元）' for an amount in 元."""
    if amount is None:
        return EMPTY
    try:
        return f"{fmt_yuan(amount, strict=True)}（{fmt_yuan_as_wan(amount, strict=True)}）"
    except ValueError:
        return str(amount)


def daxie(amount: Any, prefix: str = "人民币") -> str:
    """Amount in 元 in capital numerals: 1234567 -> '人民币壹佰贰拾叁万肆仟伍佰陆拾柒元整',
    1234567.89 -> '…元捌角玖分', 100.01 -> '壹佰元零壹分'.

    Wraps cn2an's 'rmb' mode, which truncates fractions (0.999 -> 玖角玖分, 1.005 -> 壹元整) and reads
    floats through binary noise; here the amount is first rounded half-up to the fen as a Decimal.
    Raises ValueError for non-numbers and amounts beyond cn2an's 16 integer digits."""
    d = _round2(to_decimal(amount))
    sign = "负" if d < 0 else ""
    d = abs(d)
    if d >= Decimal(10) ** 16:
        raise ValueError(f"amount too large for 大写: {amount!r}")
    text = cn2an.an2cn(f"{d:.2f}", "rmb")
    return f"{prefix}{sign}{text}"


# ---------------------------------------------------------------- names

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_CN = {"pass": "通过", "fail": "不通过", "review": "需人工复核"}
ROLE_CN = {"lead": "牵头单位", "enterprise": "工业企业", "provider": "服务商"}
SEAL_KIND_CN = {
    "company": "公章", "finance": "财务专用章", "contract": "合同专用章", "invoice": "发票专用章",
    "authority": "登记机关印章", "unknown": "未识别",
}
DOC_KIND_CN = {
    "application_form": "申报书", "survey_report": "调研报告", "implementation_plan": "实施方案",
    "business_license": "营业执照", "audit_report": "审计报告", "tax_report": "汇算清缴报告",
    "financial_statements": "财务报表", "commitment_letter": "责任承诺函", "other": "其他材料",
}
SECTION_CN = {"cover": "封面", "table1": "表一", "table2": "表二", "tables345": "表三至表五"}
OPINION_CN = {
    "standard_unqualified": "标准无保留意见", "unqualified_with_emphasis": "带强调事项段的无保留意见",
    "qualified": "保留意见", "adverse": "否定意见", "disclaimer": "无法表示意见",
}

# Every code of shared/spec/findings.md.
CODE_TITLE_CN = {
    # completeness
    "DOC_MISSING": "缺少必需材料",
    "DOC_UNREADABLE": "文件无法读取",
    "FIELD_EMPTY": "必填项为空",
    "SIGN_DATE_MISSING": "签署日期缺失",
    # seals
    "SEAL_MISSING": "缺少盖章",
    "SEAL_NAME_MISMATCH": "印章名称与单位不符",
    "SEAL_WRONG_TYPE": "印章类型不符（应盖公章）",
    "STRADDLE_SEAL_MISSING": "缺少骑缝章",
    # identity
    "USCC_INVALID": "统一社会信用代码校验不通过",
    "USCC_MISMATCH": "统一社会信用代码与营业执照不符",
    "NAME_MISMATCH": "单位名称与营业执照不符",
    "ESTABLISHED_MISMATCH": "成立时间与营业执照不符",
    "CAPITAL_MISMATCH": "注册资本与营业执照不符",
    "ADDRESS_MISMATCH": "单位地址与营业执照住所不符",
    # eligibility
    "NOT_IN_JIANGMEN": "注册地不在江门市",
    "COMPANY_TOO_YOUNG": "成立未满一年",
    "NOT_INDEPENDENT_LEGAL_PERSON": "非独立法人",
    "CONSORTIUM_TOO_SMALL": "本地工业企业不足10家",
    "PARTY_LIST_MISMATCH": "企业名单前后不一致",
    # budget
    "LINE_AMOUNT_MISMATCH": "产品金额计算错误（单价×数量≠金额）",
    "TOTAL_MISMATCH": "金额合计不符",
    "SUBSIDY_RATIO_EXCEEDED": "财政扶持比例超过80%",
    "SUBSIDY_CAP_EXCEEDED": "单家企业财政扶持超过50万元",
    "CLUSTER_CAP_EXCEEDED": "集群财政扶持总额超过500万元",
    "SERVICES_SHARE_EXCEEDED": "服务类费用占比超过50%",
    "NO_SAAS_PRODUCT": "未采购工业软件（SaaS）产品",
    "PROJECT_TOO_LONG": "项目周期超过一年",
    "KPI_TOO_FEW": "量化经济指标少于3项",
    "OVERVIEW_TOO_LONG": "产业集群概述超过1000字",
    # financials
    "REVENUE_MISMATCH": "营业收入与审计报告不符",
    "BALANCE_SHEET_UNBALANCED": "资产负债表不平衡",
    "AUDIT_YEAR_WRONG": "审计报告年度不是2024年",
    "AUDIT_OPINION_MODIFIED": "审计意见非标准无保留意见",
    "AUDIT_ENTITY_MISMATCH": "审计报告被审计单位不符",
    "STATEMENTS_PERIOD_INCOMPLETE": "近6个月财务报表不完整",
    # integrity
    "DUPLICATE_DOCUMENT": "材料重复使用",
    "SURVEY_TOO_SMALL": "调研企业数量或类型不足",
    "OCR_LOW_CONFIDENCE": "识别置信度低，需人工核对",
}

# The unit the declared/found numbers of a code are in, when numeric (a finding's detail["unit"] overrides).
CODE_UNIT = {
    "CAPITAL_MISMATCH": "万元", "REVENUE_MISMATCH": "万元",
    "LINE_AMOUNT_MISMATCH": "元", "TOTAL_MISMATCH": "元", "SUBSIDY_RATIO_EXCEEDED": "元",
    "SUBSIDY_CAP_EXCEEDED": "元", "CLUSTER_CAP_EXCEEDED": "元", "SERVICES_SHARE_EXCEEDED": "元",
}

# Field names seen in report.json (declared/license/financials) -> Chinese label and unit.
FIELD_CN = {
    "name": ("单位名称", None), "uscc": ("统一社会信用代码", None), "established": ("成立时间", "date"),
    "registered_capital_wan": ("注册资本", "万元"), "address": ("单位地址", None),
    "revenue_2024_wan": ("2024年主营业务收入", "万元"), "employees": ("员工人数", "人"),
    "product_total": ("产品总金额", "元"), "subsidy": ("财政扶持金额", "元"), "self_pay": ("自付费金额", "元"),
    "unit_price": ("拟成交单价", "元"), "quantity": ("拟购数量", None), "amount": ("拟成交金额", "元"),
    "revenue": ("营业收入", "元"), "total_assets": ("资产总计", "元"), "total_liabilities": ("负债合计", "元"),
    "total_equity": ("所有者权益合计", "元"), "fiscal_year": ("会计年度", None),
    "company_type": ("类型", None), "legal_representative": ("法定代表人", None),
    "opinion": ("审计意见", None), "application_date": ("申报日期", "date"),
    "total_investment_wan": ("项目总投入额", "万元"), "subsidy_wan": ("财政扶持额度", "万元"),
}


def severity_cn(sev: str | None) -> str:
    return SEVERITY_CN.get(sev or "", sev or EMPTY)


def status_cn(status: str | None) -> str:
    return STATUS_CN.get(status or "", status or EMPTY)


def role_cn(role: str | None) -> str:
    return ROLE_CN.get(role or "", role or EMPTY)


def seal_kind_cn(kind: Any) -> str:
    kind = getattr(kind, "value", kind)  # accepts models.provenance.SealKind
    return SEAL_KIND_CN.get(kind or "unknown", str(kind))


def doc_kind_cn(kind: Any) -> str:
    kind = getattr(kind, "value", kind)
    return DOC_KIND_CN.get(kind or "", str(kind) if kind else EMPTY)


def code_title(code: str | None) -> str:
    """Chinese title of a finding code; an unknown code gets a generic title naming the code."""
    if not code:
        return "未分类问题"
    return CODE_TITLE_CN.get(code, f"其他问题（{code}）")


def fmt_amount(value: Any, unit: str | None) -> str:
    """A number in the given unit: '元' -> '1,234.00元（0.12万元）', '万元' -> '128.00万元', other -> plain."""
    if value is None:
        return EMPTY
    if unit == "元":
        return fmt_yuan_both(value)
    if unit == "万元":
        return fmt_wan(value)
    return fmt_plain(value)


def fmt_plain(value: Any) -> str:
    """Any report value as reviewer text: dates in Chinese, booleans as 是/否, lists joined, dicts as k：v."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (_dt.date, str)) and is_iso_date(value):
        return fmt_date(value)
    if isinstance(value, (list, tuple)):
        return "、".join(fmt_plain(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{fmt_field(k, v)}" for k, v in value.items()) or EMPTY
    return str(getattr(value, "value", value))


def field_label(name: str) -> str:
    return FIELD_CN.get(name, (name, None))[0]


def fmt_field(name: str, value: Any) -> str:
    """A named report field with the unit its name implies (FIELD_CN)."""
    unit = FIELD_CN.get(name, (None, None))[1]
    if unit == "date":
        return fmt_date(value) if isinstance(value, (str, _dt.date)) else fmt_plain(value)
    if unit in ("元", "万元") and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return fmt_amount(value, unit)
    if unit == "人" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value}人"
    if name == "opinion" and isinstance(value, str):
        return OPINION_CN.get(value, value)
    return fmt_plain(value)


def fmt_finding_value(value: Any, code: str | None, detail: dict | None = None) -> str:
    """A finding's declared/found value: numbers in the unit of detail['unit'] or the code's usual unit."""
    detail = detail or {}
    unit = detail["unit"] if "unit" in detail else CODE_UNIT.get(code or "")   # detail unit None/"": plain
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and unit:
        if unit == "%":   # the value is a ratio: 0.85 -> 85.00%
            return f"{fmt_number(to_decimal(value) * 100)}%"
        if unit not in ("元", "万元"):
            return f"{fmt_plain(value)}{unit}"
        return fmt_amount(value, unit)
    if code == "SEAL_WRONG_TYPE" and isinstance(value, str) and value in SEAL_KIND_CN:
        return SEAL_KIND_CN[value]
    if code == "DOC_MISSING" and isinstance(value, str) and value in DOC_KIND_CN:
        return DOC_KIND_CN[value]
    if code == "AUDIT_OPINION_MODIFIED" and isinstance(value, str) and value in OPINION_CN:
        return OPINION_CN[value]
    return fmt_plain(value)
