"""汇总.xlsx: sheet 汇总 (one row per packet) and 问题明细 (every finding); pandas + openpyxl.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are written with a
leading apostrophe, so WPS/Excel show them as text (CSV/formula injection)."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.batch.summary import SEVERITY_CN, PacketSummary

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def _text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False)
    return v


def display_width(s: Any) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(s))


def frames(packets: list[PacketSummary]) -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = [{
        "编号": p.id, "申报单位(牵头单位)": p.lead_name or "", "产业集群": p.cluster_name or "",
        "状态": p.status_cn, "错误": p.errors, "警告": p.warnings, "提示": p.infos,
        "主要问题": p.main_issues(), "报告": f"{p.id}/report.html" if p.run_id else "", "版本": p.version, "发件人": p.sender or "", "收件时间": p.received or "",
        "来源": p.source} for p in packets]
    detail = [{
        "编号": p.id, "申报单位(牵头单位)": p.lead_name or "", "代码": f.code,
        "级别": SEVERITY_CN.get(f.severity, f.severity), "涉及单位": f.party_name or "",
        "统一社会信用代码": f.party_uscc or "", "文件": f.file or "", "页码": f.page if f.page else "",
        "申报值": _text(f.declared), "核实值": _text(f.found), "说明": f.message}
        for p in packets for f in p.findings]
    cols_d = ["编号", "申报单位(牵头单位)", "代码", "级别", "涉及单位", "统一社会信用代码", "文件", "页码",
              "申报值", "核实值", "说明"]
    s = pd.DataFrame(summary, columns=list(summary[0]) if summary else
                     ["编号", "申报单位(牵头单位)", "产业集群", "状态", "错误", "警告", "提示", "主要问题"])
    d = pd.DataFrame(detail, columns=cols_d)
    return s.map(neutralise), d.map(neutralise)


def _format(ws, wrap_cols: set[str]) -> None:
    header = [c.value for c in ws[1]]
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(horizontal="center", vertical="center")
    for i, name in enumerate(header, start=1):
        letter = get_column_letter(i)
        widths = [display_width(name)] + [display_width(c.value) for c in ws[letter][1:200] if c.value is not None]
        ws.column_dimensions[letter].width = min(max(widths) + 2, 60 if name in wrap_cols else 40)
        if name in wrap_cols:
            for c in ws[letter][1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _links(ws, column: str) -> None:
    """Relative hyperlinks to each packet's report.html (the xlsx sits beside the packet folders)."""
    header = [c.value for c in ws[1]]
    if column not in header:
        return
    col = header.index(column) + 1
    for row in range(2, ws.max_row + 1):
        c = ws.cell(row, col)
        if c.value:
            c.hyperlink = str(c.value)
            c.style = "Hyperlink"


def write_xlsx(packets: list[PacketSummary], path: Path) -> Path:
    s, d = frames(packets)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
        s.to_excel(xw, sheet_name="汇总", index=False)
        d.to_excel(xw, sheet_name="问题明细", index=False)
        _format(xw.sheets["汇总"], {"主要问题", "来源"})
        _links(xw.sheets["汇总"], "报告")
        _format(xw.sheets["问题明细"], {"说明", "申报值", "核实值"})
    tmp.replace(path)
    return path
