"""The audit opinion: an emphasis paragraph after the quoted reference to the auditor's responsibilities counts."""
import pytest

from extractors.nlp import opinion_from_text

pytestmark = pytest.mark.quick

BASIS = ("二、形成审计意见的基础\n我们按照中国注册会计师审计准则的规定执行了审计工作。审计报告的“注册会计师对财务报表"
         "审计的责任”部分进一步阐述了我们在这些准则下的责任。\n")


def test_emphasis_after_quoted_responsibilities_is_found():
    text = ("一、审计意见\n我们认为，后附的财务报表在所有重大方面公允反映了……\n" + BASIS +
            "三、强调事项\n我们提醒财务报表使用者关注……本段内容不影响已发表的审计意见。\n"
            "四、管理层和治理层对财务报表的责任\n……")
    assert opinion_from_text(text) == "unqualified_with_emphasis"


def test_plain_opinion_stays_standard():
    text = "一、审计意见\n我们认为，后附的财务报表在所有重大方面公允反映了……\n" + BASIS + "三、管理层和治理层对财务报表的责任\n"
    assert opinion_from_text(text) == "standard_unqualified"


def test_kpi_targets_wrapped_inside_a_cell_are_counted():
    from extractors.application import _kpis
    from models.provenance import Cell, Page, Table
    cells = [Cell(row=0, col=0, bbox=(0, 0, 100, 50), text="●预计降低运营成本量化指标（%）\n：20"),
             Cell(row=1, col=0, bbox=(0, 50, 100, 100), text="●预计提升组织与人员能力量化\n指标（%）：12"),
             Cell(row=2, col=0, bbox=(0, 100, 100, 150), text="●预计降低不良品率量化指标（%）\n：______")]
    page = Page(file="a.pdf", index=3, width=595, height=842,
                tables=[Table(bbox=(0, 0, 100, 150), n_rows=3, n_cols=1, cells=cells)])
    got, seen = _kpis([page])
    assert got == ["20", "12"] and len(seen) == 3


@pytest.mark.parametrize("head,body,code", [
    ("否定意见", "我们认为，由于“形成否定意见的基础”部分所述事项的重要性，后附的财务报表没有在所有重大方面按照企业会计准则的规定编制，"
                 "未能公允反映甲公司2024年12月31日的财务状况。", "adverse"),
    ("保留意见", "我们认为，除“形成保留意见的基础”部分所述事项产生的影响外，后附的财务报表在所有重大方面公允反映了甲公司的财务状况。",
     "qualified"),
])
def test_modified_opinion_titled_by_its_heading_is_found(head, body, code):
    """A modified report's first section is headed by the opinion itself; '审计意见' first occurs in the basis."""
    text = (f"审计报告\n甲公司全体股东：\n一、{head}\n我们审计了甲公司财务报表。\n{body}\n二、形成{head}的基础\n"
            "我们按照中国注册会计师审计准则的规定执行了审计工作。审计报告的“注册会计师对财务报表审计的责任”部分进一步阐述了"
            "我们在这些准则下的责任。我们相信，我们获取的审计证据是充分、适当的，为发表审计意见提供了基础。\n")
    assert opinion_from_text(text) == code
