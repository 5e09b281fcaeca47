"""补正通知: a Chinese official notice (.docx, python-docx) asking a lead unit to correct or supply
material, party by party, from the findings' Chinese messages. The deadline is left blank."""
from __future__ import annotations

from collections import OrderedDict
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from models.report import FindingOut
from pipeline.batch.summary import PacketSummary

ISSUER = "数字江门网络建设有限公司"
INBOX = "gyhlw@digitaljm.com"
CN_NUM = "一二三四五六七八九十"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_index(i: int) -> str:
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    tens, ones = divmod(i, 10)
    return CN_NUM[tens - 1] + "十" + (CN_NUM[ones - 1] if ones else "")


def _font(run, size: float = 16, bold: bool = False, name: str = "仿宋_GB2312") -> None:
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, size: float = 16, bold: bool = False, align=None, indent: bool = True,
          name: str = "仿宋_GB2312"):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    _font(p.add_run(text), size, bold, name)
    return p


def group_by_party(findings: list[FindingOut]) -> "OrderedDict[str, list[FindingOut]]":
    """Packet-level findings first, then one group per party (named by name, else credit code)."""
    groups: OrderedDict[str, list[FindingOut]] = OrderedDict()
    groups["申报材料整体"] = []
    for f in findings:
        if f.severity == "info":
            continue
        key = f.party_name or f.party_uscc or "申报材料整体"
        groups.setdefault(key, []).append(f)
    return OrderedDict((k, v) for k, v in groups.items() if v)


def _item_text(f: FindingOut) -> str:
    text = f.message.rstrip("。；; ")
    where = []
    if f.file:
        where.append(f"见《{f.file}》" + (f"第{f.page}页" if f.page else ""))
    verb = "请核实并说明" if f.severity == "warning" else "请补正"
    return f"{text}{'（' + '，'.join(where) + '）' if where else ''}，{verb}。"


def write_notice(p: PacketSummary, path: Path, today: date | None = None) -> Path:
    today = today or date.today()
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    _para(doc, "关于补正申报材料的通知", size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          name="方正小标宋简体")
    _para(doc, f"{p.lead_name or '申报单位'}：", indent=False)
    cluster = f"“{p.cluster_name}”" if p.cluster_name else ""
    received = f"（{p.received[:10]}收悉）" if p.received else ""
    _para(doc, f"你单位报送的{cluster}2025年江门市工业互联网产业集群试点项目申报材料{received}经形式审查，"
               f"存在以下问题，请按要求补正或补充材料：")
    for i, (party, items) in enumerate(group_by_party(p.findings).items(), start=1):
        _para(doc, f"{cn_index(i)}、{party}", bold=True, name="黑体")
        for j, f in enumerate(items, start=1):
            _para(doc, f"{j}. {_item_text(f)}")
    _para(doc, "请于____年__月__日前将补正后的材料（按要求加盖公章）以电子邮件形式报送至" + INBOX +
               f"，邮件主题注明“补充材料+{p.cluster_name or '产业集群名称'}”，同时报送纸质材料。"
               "逾期未补正或补正后仍不符合要求的，视为材料不完整。")
    _para(doc, f"（申报包编号：{p.id}）", size=12)
    doc.add_paragraph()
    _para(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, cn_date(today), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
