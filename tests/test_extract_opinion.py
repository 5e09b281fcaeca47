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
