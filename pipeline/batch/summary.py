"""What the batch outputs are made of: per packet, its latest completed review (read from the store)."""
from __future__ import annotations

from pydantic import BaseModel, Field as PField
from sqlalchemy import select

from models.report import FindingOut
from pipeline.store.db import Store
from pipeline.store.models import FindingRow, PacketRow, RunRow, SubmissionRow

STATUS_CN = {"pass": "通过", "fail": "不通过（需补正）", "review": "需人工复核"}
STATE_CN = {"pending": "待审查", "reviewing": "审查中", "failed": "审查出错"}
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
_ORDER = {"error": 0, "warning": 1, "info": 2}


class PacketSummary(BaseModel):
    id: str
    lead_name: str | None = None
    cluster_name: str | None = None
    state: str
    status: str | None = None
    version: int = 1
    reviewed_version: int = 0
    run_id: int | None = None
    source: str = ""
    sender: str | None = None
    received: str | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    findings: list[FindingOut] = PField(default_factory=list)

    @property
    def status_cn(self) -> str:
        if self.status and self.state in ("reviewed", "pending", "reviewing"):
            return STATUS_CN[self.status]
        return STATE_CN.get(self.state, self.state)

    @property
    def needs_correction(self) -> bool:
        return self.errors + self.warnings > 0

    def main_issues(self, n: int = 3) -> str:
        top = sorted(self.findings, key=lambda f: _ORDER.get(f.severity, 3))
        top = [f for f in top if f.severity != "info"][:n]
        more = self.errors + self.warnings - len(top)
        return "；".join(f.message for f in top) + (f"；等{more}项" if more > 0 else "")


def summaries(store: Store, kind: str = "batch") -> list[PacketSummary]:
    out = []
    with store.session() as s:
        for p in s.scalars(select(PacketRow).where(PacketRow.merged_into.is_(None))
                           .order_by(PacketRow.created_at, PacketRow.id)):
            run = s.scalars(select(RunRow).where(RunRow.packet_id == p.id, RunRow.state == "done",
                                                 RunRow.kind == kind)
                            .order_by(RunRow.packet_version.desc(), RunRow.id.desc())).first()
            first = s.scalars(select(SubmissionRow).where(SubmissionRow.packet_id == p.id)
                              .order_by(SubmissionRow.seq)).first()
            ps = PacketSummary(id=p.id, lead_name=p.lead_name, cluster_name=p.cluster_name, state=p.state,
                               status=run.status if run else None, version=p.version,
                               reviewed_version=p.reviewed_version, run_id=run.id if run else None,
                               source=p.source, sender=first.sender if first else None,
                               received=first.sent_at if first else None)
            if run:
                rows = s.scalars(select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.id))
                ps.findings = [FindingOut.model_validate(r.data) for r in rows]
                ps.errors = sum(f.severity == "error" for f in ps.findings)
                ps.warnings = sum(f.severity == "warning" for f in ps.findings)
                ps.infos = sum(f.severity == "info" for f in ps.findings)
            out.append(ps)
    return out
