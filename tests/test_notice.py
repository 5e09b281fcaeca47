"""补正通知 (.docx) content: title, addressee, party-by-party items from the findings, blank deadline,
date in 2025年8月14日 form; read back with python-docx."""
from __future__ import annotations

from datetime import date

import docx
import pytest

from models.report import FindingOut
from pipeline.batch.notice import cn_date, cn_index, write_notice
from pipeline.batch.summary import PacketSummary

pytestmark = pytest.mark.quick
LEAD, ENT = "鹤山市昌豪信息技术有限公司", "恩平市康锐汽车配件有限公司"


def summary() -> PacketSummary:
    fs = [FindingOut(code="DOC_MISSING", severity="error", party_name=LEAD, message="缺少牵头单位责任承诺函（附件1-4）",
                     detail={"doc_kind": "commitment_letter"}),
          FindingOut(code="SEAL_MISSING", severity="error", party_name=ENT, party_uscc="91440785MA4UJKQ123",
                     file="企业材料/康锐/表二.pdf", page=3, message="表二“单位盖章”处未见公章"),
          FindingOut(code="ADDRESS_MISMATCH", severity="warning", party_name=ENT, message="表二单位地址与营业执照住所不一致"),
          FindingOut(code="OCR_LOW_CONFIDENCE", severity="info", party_name=ENT, message="识别置信度较低"),
          FindingOut(code="CLUSTER_CAP_EXCEEDED", severity="error", message="产业集群财政扶持总额超过500万元")]
    return PacketSummary(id="P901-06", lead_name=LEAD, cluster_name="江门市新能源汽车零部件产业集群", state="reviewed",
                         status="fail", run_id=1, received="2025-08-27T09:00:00+08:00", findings=fs, errors=3,
                         warnings=1, infos=1)


def test_notice_content(tmp_path):
    path = write_notice(summary(), tmp_path / "补正通知.docx", today=date(2025, 8, 14))
    paras = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    text = "\n".join(paras)
    assert paras[0] == "关于补正申报材料的通知"
    assert paras[1] == f"{LEAD}："
    assert "“江门市新能源汽车零部件产业集群”" in paras[2] and "2025-08-27收悉" in paras[2]
    heads = [p for p in paras if p[:2] in ("一、", "二、", "三、", "四、")]
    assert heads == ["一、申报材料整体", f"二、{LEAD}", f"三、{ENT}"]        # party by party
    i_ent = paras.index(f"三、{ENT}")
    assert paras[i_ent + 1].startswith("1. 表二“单位盖章”处未见公章（见《企业材料/康锐/表二.pdf》第3页），请补正。")
    assert paras[i_ent + 2] == "2. 表二单位地址与营业执照住所不一致，请核实并说明。"
    assert "识别置信度较低" not in text                                     # info is not asked for
    assert "请于____年__月__日前" in text
    assert paras[-1] == "2025年8月14日" and paras[-2] == "数字江门网络建设有限公司"


def test_chinese_numbering_and_dates():
    assert [cn_index(i) for i in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
    assert cn_date(date(2025, 8, 4)) == "2025年8月4日"
