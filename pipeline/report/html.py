"""report.html: the reviewer's report in Chinese, one self-contained file rendered by autoescaped Jinja2.

The template only lays out what `build_view` prepares: findings grouped by party (牵头单位, 服务商,
工业企业, then packet-level 整体), values already formatted by pipeline.fmt_cn.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from models.report import FindingOut, PartyOut, ReportModel
from pipeline import fmt_cn as cn

TEMPLATES = Path(__file__).parent / "templates"
SEV_ORDER = {"error": 0, "warning": 1, "info": 2}
ROLE_ORDER = {"lead": 0, "provider": 1, "enterprise": 2}
DETAIL_CN = {"doc_kind": "材料类型", "slot": "位置", "found": "发现", "expected": "应为", "field": "字段",
             "section": "部分", "months": "月份", "ratio": "比例", "limit": "限额", "count": "数量"}
LICENSE_LABEL = {"name": "名称", "established": "成立日期", "address": "住所", "registered_capital_wan": "注册资本"}
SLOT_CN = {"cover": "申报书封面", "table1": "表一", "table2": "表二", "commit": "责任承诺函",
           "license": "营业执照复印件"}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(date_cn=cn.fmt_date, yuan=cn.fmt_yuan, wan=cn.fmt_wan, yuan_wan=cn.fmt_yuan_as_wan,
                       daxie=cn.daxie, severity_cn=cn.severity_cn, status_cn=cn.status_cn, role_cn=cn.role_cn,
                       seal_kind_cn=cn.seal_kind_cn, doc_kind_cn=cn.doc_kind_cn, code_title=cn.code_title,
                       plain=cn.fmt_plain, pct=fmt_pct)
    return env


def fmt_pct(value: float | None) -> str:
    return cn.EMPTY if value is None else f"{value * 100:.0f}%" if value <= 1 else f"{value:.0f}%"


def fmt_datetime(value: str | None) -> str | None:
    """ISO timestamp -> '2025年8月28日 09:00' (as written, no time-zone conversion)."""
    if not value:
        return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})", value)
    return f"{cn.fmt_date(m[1])} {m[2]}" if m else cn.fmt_date(value)


def _party_key(uscc: str | None, name: str | None) -> str | None:
    return f"u:{uscc}" if uscc else f"n:{name}" if name else None


def _pages(pages: tuple[int, int]) -> str:
    a, b = pages
    return f"第{a}页" if a == b else f"第{a}–{b}页"


def _source(file: str | None, page: int | None) -> str:
    if not file:
        return cn.EMPTY
    return f"{file}，第{page}页" if page else file


def _detail(f: FindingOut) -> list[tuple[str, str]]:
    out = []
    for k, v in (f.detail or {}).items():
        if k == "unit" or v is None or v == "" or v == []:
            continue
        if k == "doc_kind" and isinstance(v, str):
            text = cn.doc_kind_cn(v)
        elif k == "slot" and isinstance(v, str):
            text = SLOT_CN.get(v, v)
        elif k == "found" and f.code in ("SEAL_WRONG_TYPE", "SEAL_MISSING") and isinstance(v, str):
            text = cn.seal_kind_cn(v)
        else:
            text = cn.fmt_finding_value(v, f.code, f.detail)
        out.append((DETAIL_CN.get(k, k), text))
    return out


def _finding_view(f: FindingOut) -> dict[str, Any]:
    ev = []
    for e in f.evidence:
        ev.append({"source": _source(e.file, e.page), "text": e.text, "engine": e.engine,
                   "confidence": fmt_pct(e.confidence) if e.confidence is not None else None, "crop": e.crop})
    top_crop = getattr(f, "crop", None)
    # the finding's own crop, unless an evidence entry already shows the same image
    if top_crop and any(e["crop"] == top_crop for e in ev):
        top_crop = None
    return {
        "code": f.code, "title": cn.code_title(f.code), "severity": f.severity,
        "severity_cn": cn.severity_cn(f.severity), "message": f.message,
        "declared": cn.fmt_finding_value(f.declared, f.code, f.detail),
        "found": cn.fmt_finding_value(f.found, f.code, f.detail),
        "has_values": f.declared is not None or f.found is not None,
        "source": _source(f.file, f.page), "has_source": bool(f.file),
        "confidence": fmt_pct(f.confidence) if f.confidence is not None else None,
        "crop": top_crop, "evidence": ev, "detail": _detail(f),
        "crop_missing": (f.bbox is not None and not getattr(f, "crop", None))
        or any(e.bbox is not None and not e.crop for e in f.evidence),
    }


def _counts(findings) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in ("error", "warning", "info")}


def group_findings(report: ReportModel) -> list[dict[str, Any]]:
    """Findings by party: lead, providers, enterprises (report order), unknown parties, then packet-level."""
    parties = sorted(enumerate(report.parties), key=lambda ip: (ROLE_ORDER.get(ip[1].role, 9), ip[0]))
    by_key: dict[str, PartyOut] = {}
    for _, p in parties:
        for k in (_party_key(p.uscc, None), _party_key(None, p.name)):
            if k:
                by_key.setdefault(k, p)
    buckets: dict[int, list[FindingOut]] = {}
    others: dict[str, list[FindingOut]] = {}
    packet_level: list[FindingOut] = []
    for f in report.findings:
        p = by_key.get(_party_key(f.party_uscc, None) or "") or by_key.get(_party_key(None, f.party_name) or "")
        if p is not None:
            buckets.setdefault(id(p), []).append(f)
        elif f.party_uscc or f.party_name:
            others.setdefault(f.party_name or f.party_uscc or "", []).append(f)
        else:
            packet_level.append(f)

    def group(anchor: str, role: str | None, heading: str, uscc: str | None, fs: list[FindingOut]) -> dict:
        fs = sorted(fs, key=lambda f: SEV_ORDER.get(f.severity, 9))
        return {"anchor": anchor, "role": role, "role_cn": cn.role_cn(role) if role else "整体",
                "name": heading, "uscc": uscc, "counts": _counts(fs), "findings": [_finding_view(f) for f in fs]}

    groups = []
    for i, p in parties:
        if id(p) in buckets:
            groups.append(group(f"party-{i}", p.role, p.name, p.uscc, buckets[id(p)]))
    for j, (name, fs) in enumerate(others.items()):
        groups.append(group(f"other-{j}", None, name, fs[0].party_uscc, fs))
        groups[-1]["role_cn"] = "其他单位"
    if packet_level:
        groups.append(group("packet", None, "整体（申报材料层面）", None, packet_level))
    return groups


def _party_view(i: int, p: PartyOut, n_findings: Counter) -> dict[str, Any]:
    facts: list[tuple[str, str]] = []
    if p.license:
        for k in ("company_type", "legal_representative", "registered_capital_wan", "established", "address"):
            v = getattr(p.license, k)
            if v is not None:
                facts.append(("营业执照·" + LICENSE_LABEL.get(k, cn.field_label(k)), cn.fmt_field(k, v)))
    if p.declared:
        for k in ("revenue_2024_wan", "employees", "product_total", "subsidy", "self_pay"):
            v = getattr(p.declared, k)
            if v is not None:
                facts.append(("申报·" + cn.field_label(k), cn.fmt_field(k, v)))
    if p.financials:
        for k in ("fiscal_year", "revenue", "total_assets", "opinion"):
            v = getattr(p.financials, k)
            if v is not None:
                facts.append(("财务·" + cn.field_label(k), cn.fmt_field(k, v)))
    seals = [{"source": _source(s.file, s.page), "text": s.text or "（未识别文字）", "read": s.read,
              "kind": cn.seal_kind_cn(s.kind)} for s in p.seals]
    return {"anchor": f"p-{i}", "role_cn": cn.role_cn(p.role), "name": p.name, "uscc": p.uscc,
            "facts": facts, "seals": seals,
            "n_findings": n_findings.get(_party_key(p.uscc, None), 0) + n_findings.get(_party_key(None, p.name), 0)}


def build_view(report: ReportModel, crop_failures: int = 0) -> dict[str, Any]:
    names = {p.uscc: p.name for p in report.parties if p.uscc}
    lead = next((p for p in report.parties if p.role == "lead"), None)
    docs = []
    for d in report.documents:
        mode = "文字层+OCR" if d.text_layer and d.ocr else "文字层" if d.text_layer else "OCR" if d.ocr else "—"
        docs.append({"file": d.file if not d.files else "；".join(d.files), "pages": _pages(d.pages),
                     "kind": cn.doc_kind_cn(d.kind),
                     "party": names.get(d.party_uscc or "") or d.party_name or (d.party_uscc or "整体"),
                     "mode": mode})
    nf: Counter = Counter()
    for f in report.findings:
        nf[_party_key(f.party_uscc, None) or _party_key(None, f.party_name) or ""] += 1
    parties = sorted(enumerate(report.parties), key=lambda ip: (ROLE_ORDER.get(ip[1].role, 9), ip[0]))
    role_counts = Counter(p.role for p in report.parties)
    return {
        "packet": report.packet, "status": report.status, "status_cn": cn.status_cn(report.status),
        "cluster_name": report.packet.cluster_name or cn.EMPTY,
        "lead_name": lead.name if lead else cn.EMPTY,
        "application_date": cn.fmt_date(report.packet.application_date),
        "counts": _counts(report.findings), "total": len(report.findings),
        "role_counts": {r: role_counts.get(r, 0) for r in ("lead", "provider", "enterprise")},
        "documents": docs, "groups": group_findings(report),
        "parties": [_party_view(i, p, nf) for i, p in parties],
        "engines": report.engines, "rule_pack": report.rule_pack,
        "generated_at": fmt_datetime(report.generated_at), "crop_failures": crop_failures,
    }


def render_html(report: ReportModel, crop_failures: int = 0) -> str:
    return environment().get_template("report.html.j2").render(**build_view(report, crop_failures))
