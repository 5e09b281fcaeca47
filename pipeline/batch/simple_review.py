"""A small, real review callable (pdfplumber text only) for tests and as a stand-in when
pipeline.review is absent. It lists documents, finds the lead unit and cluster name, and reports
DOC_UNREADABLE / DOC_MISSING (责任承诺函) — nothing more."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path

from models.packet import FileProblem, Packet
from models.report import DocumentOut, FindingOut, PacketInfo, PartyOut, ReportModel, status_of

LEAD = re.compile(r"牵头单位(?:名称)?\s*(?:[(（]盖章[)）])?\s*[:：]?\s*([^\s，,。:：]{4,60}?(?:公司|研究院|协会|中心))")
CLUSTER = re.compile(r"产业集群名称\s*[:：]?\s*([\u4e00-\u9fff]{2,30}产业集群)")
ENTERPRISE = re.compile(r"(?:企业|单位)名称\s*[:：]\s*([^\s，,。:：]{4,60}?公司)")


def pdf_text(path: str) -> tuple[list[str], str | None]:
    import pdfplumber
    try:
        with pdfplumber.open(path) as pdf:
            return [(p.extract_text() or "") for p in pdf.pages], None
    except Exception as e:  # noqa: BLE001
        return [], f"{type(e).__name__}: {e}"


def review_simple(packet: Packet, out_dir: Path, problems: list[FileProblem] | None = None,
                  **_options) -> ReportModel:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs, findings, texts = [], [], []
    for f in packet.files:
        if f.media_type == "application/pdf" or f.path.lower().endswith(".pdf"):
            pages, err = pdf_text(f.blob)
            if err:
                findings.append(FindingOut(code="DOC_UNREADABLE", severity="error", file=f.path,
                                           message=f"文件无法读取：{f.path}（{err}）"))
                continue
            texts.append("\n".join(pages))
            docs.append(DocumentOut(file=f.path, pages=(1, max(len(pages), 1)), kind="unknown",
                                    text_layer=any(p.strip() for p in pages), ocr=False))
        else:
            docs.append(DocumentOut(file=f.path, pages=(1, 1), kind="unknown", text_layer=False, ocr=False))
    for p in problems or []:
        findings.append(FindingOut(code="DOC_UNREADABLE", severity="error", file=p.file,
                                   message=f"文件无法读取：{p.file}（{p.message}）"))
    text = "\n".join(texts)
    lead = (m.group(1) if (m := LEAD.search(text)) else None)
    cluster = (m.group(1) if (m := CLUSTER.search(text)) else None)
    parties = [PartyOut(role="lead", name=lead)] if lead else []
    for name in dict.fromkeys(ENTERPRISE.findall(text)):
        if name != lead:
            parties.append(PartyOut(role="enterprise", name=name))
    if "责任承诺函" not in text:
        findings.append(FindingOut(code="DOC_MISSING", severity="error", party_name=lead,
                                   message=f"缺少牵头单位{lead or ''}的责任承诺函（附件1-4）",
                                   detail={"doc_kind": "commitment_letter"}))
    report = ReportModel(packet=PacketInfo(id=packet.id, source=packet.source, cluster_name=cluster),
                         status=status_of(findings), documents=docs, parties=parties, findings=findings,
                         engines={"reader": "pdfplumber"}, rule_pack="simple-0",
                         generated_at=datetime.now(timezone.utc).isoformat())
    (out_dir / "report.json").write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False,
                                                    indent=1), encoding="utf-8")
    rows = "".join(f"<li>[{html.escape(f.severity)}] {html.escape(f.code)}：{html.escape(f.message)}</li>"
                   for f in findings)
    (out_dir / "report.html").write_text(f"<!doctype html><meta charset=utf-8><title>{packet.id}</title>"
                                         f"<h1>{html.escape(cluster or packet.id)}</h1><ul>{rows}</ul>",
                                         encoding="utf-8")
    return report
