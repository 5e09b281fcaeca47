"""Page-level cues: what kind of page this is and whose, from its content only (never the file name)."""
from __future__ import annotations

import re

from pydantic import BaseModel

from models.provenance import DocKind, Page
from pipeline.normalize import SMALL_UNIT_ENDINGS, norm_name, squash  # noqa: F401  (norm_name re-exported for classify)

# Organisations that are named on pages but are never a consortium party.
NOT_PARTIES = ("会计师事务所", "市场监督管理局", "工商行政管理局", "工业和信息化局", "数字江门网络建设有限公司",
               "华为云计算技术有限公司", "税务师事务所", "人民政府")
COMPANY = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9（）()·]{4,40}?(?:股份有限公司|有限责任公司|有限公司|分公司|合伙企业|集团公司|"
                     rf"(?<![厂])厂|{SMALL_UNIT_ENDINGS})(?:[\u4e00-\u9fa5]{{2,8}}分公司)?")
USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NP-RT-UW-Y][0-9A-Z]{17}(?![0-9A-Z])")
PAGE_NO = re.compile(r"第\s*(\d{1,3})\s*页(?:\s*[/，,]?\s*共\s*(\d{1,3})\s*页)?")
LEADING_NOISE = re.compile(r"^(?:[0-9A-Za-z.、)）]+|我们审计了|审计了|致|本单位|承诺方|编制单位|单位名称|名称|牵头单位|"
                           r"工业企业名称|被调研企业名称|调研单位|供应商|企业名称)+")
LABEL_PREFIX = re.compile(r"^(?:名称|单位名称|编制单位|承诺方（盖章）|承诺方\(盖章\)|企业名称|纳税人名称|被审计单位)[：:\s]*")


class PageCues(BaseModel):
    kind: DocKind = DocKind.other
    section: str | None = None        # application_form part
    starts: bool = False              # this page begins a new document (a title page)
    names: list[str] = []             # company names in reading order (first = the page's subject)
    usccs: list[str] = []
    page_no: int | None = None
    page_total: int | None = None

    @property
    def subject(self) -> str | None:
        return self.names[0] if self.names else None


def _head(page: Page, n: int = 4) -> str:
    top = sorted(page.lines, key=lambda l: (l.bbox[1], l.bbox[0]))[:n]
    return squash("".join(l.text for l in top))


def kind_of(page: Page) -> tuple[DocKind, str | None, bool]:
    """(kind, section, starts) from title keywords, form labels, statement headers."""
    text = squash(page.text)
    head = _head(page)
    has = lambda *ws: any(w in text for w in ws)  # noqa: E731
    if "申报书" in head or ("申报书" in text and "牵头单位(盖章)" in text):
        return DocKind.application_form, "cover", True
    if "营业执照" in text and has("法定代表人", "登记机关", "经营范围", "注册资本", "负责人", "经营者", "经营场所"):
        return DocKind.business_license, None, True
    if "表一" in head or "产业集群信息表" in head:
        return DocKind.application_form, "table1", False
    if "表二" in head or "一企一表" in head or ("统一社会信用代码" in text and "产品明细表" in text):
        return DocKind.application_form, "table2", False
    if has("表三", "表四", "表五") and has("需求表", "功能清单", "工时评估") or head.startswith("六、") and "佐证材料" in head:
        return DocKind.application_form, "tables345", False
    if has("项目总投入额", "总体绩效目标", "产业集群概述") and "调研报告" not in head:
        return DocKind.application_form, "table1", False
    if "责任承诺函" in head or ("承诺方" in text and "特此承诺" in text):
        return DocKind.commitment_letter, None, True
    if "调研报告" in head:
        return DocKind.survey_report, None, True
    if "实施方案" in head:
        return DocKind.implementation_plan, None, True
    if "汇算清缴" in head:
        return DocKind.tax_report, None, True
    if "审计报告" in head or ("审计意见" in text and "会计师" in text):
        return DocKind.audit_report, None, "审计报告" in head and "审计意见" not in text
    monthly = "月报" in text or "1-6月" in text or len(set(re.findall(r"20\d\d年(\d{1,2})月", text))) >= 3
    if has("资产负债表", "利润表", "现金流量表"):
        return (DocKind.financial_statements, None, True) if monthly else (DocKind.audit_report, None, False)
    return DocKind.other, None, False


def subject_names(page: Page) -> list[str]:
    """Company names on the page, top to bottom, without auditors, regulators and the like."""
    out: list[str] = []
    for line in sorted(page.lines, key=lambda l: (round(l.bbox[1] / 4), l.bbox[0])):
        text = LABEL_PREFIX.sub("", squash(line.text))
        for m in COMPANY.finditer(text):
            name = norm_name(m.group(0))
            name = LEADING_NOISE.sub("", name)
            if len(name) >= 6 and not any(w in name for w in NOT_PARTIES) and name not in out:
                out.append(name)
    return out


def cues_of(page: Page) -> PageCues:
    kind, section, starts = kind_of(page)
    text = squash(page.text)
    m = PAGE_NO.search(text)
    return PageCues(kind=kind, section=section, starts=starts, names=subject_names(page),
                    usccs=list(dict.fromkeys(USCC.findall(text))),
                    page_no=int(m.group(1)) if m else None,
                    page_total=int(m.group(2)) if m and m.group(2) else None)
