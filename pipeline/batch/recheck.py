"""Re-check: review a stored packet again with the current rule pack and engines, and diff the result
against the decision-time run (the latest completed batch run). Both runs stay in the store."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field as PField
from sqlalchemy import select

from models.report import FindingOut
from pipeline.batch.core import Review, call_review, default_review, merge_problems, save_report, store_for
from pipeline.store import repo
from pipeline.store.db import open_store
from pipeline.store.models import FindingRow, RunRow

COMPARED = ("severity", "declared", "found", "message", "party_name", "bbox", "confidence")


class RecheckResult(BaseModel):
    packet_id: str
    decision_run: int
    recheck_run: int
    status_before: str | None
    status_after: str
    added: list[dict[str, Any]] = PField(default_factory=list)
    removed: list[dict[str, Any]] = PField(default_factory=list)
    changed: list[dict[str, Any]] = PField(default_factory=list)
    diff_path: str
    report_dir: str

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def finding_key(f: FindingOut) -> tuple:
    return (f.code, f.party_uscc or f.party_name or "", f.file or "", f.page or 0,
            str(f.detail.get("doc_kind") or f.detail.get("field") or ""))


def _keyed(findings: list[FindingOut]) -> dict[tuple, FindingOut]:
    seen: Counter = Counter()
    out = {}
    for f in findings:
        k = finding_key(f)
        out[k + (seen[k],)] = f          # the n-th finding with the same key
        seen[k] += 1
    return out


def diff_findings(before: list[FindingOut], after: list[FindingOut]) -> dict[str, list[dict[str, Any]]]:
    b, a = _keyed(before), _keyed(after)
    dump = lambda f: f.model_dump(mode="json", exclude={"evidence"})  # noqa: E731
    changed = []
    for k in b.keys() & a.keys():
        x, y = dump(b[k]), dump(a[k])
        fields = [c for c in COMPARED if x.get(c) != y.get(c)]
        if fields:
            changed.append({"code": k[0], "fields": fields, "before": x, "after": y})
    return {"added": [dump(a[k]) for k in a.keys() - b.keys()],
            "removed": [dump(b[k]) for k in b.keys() - a.keys()],
            "changed": sorted(changed, key=lambda c: c["code"])}


def recheck(packet_id: str, store_url: str | None = None, review: Review | None = None,
            out_dir: str | Path | None = None) -> RecheckResult:
    store = open_store(store_url)
    store = store_for(store.url)
    with store.session() as s:
        decision = s.scalars(select(RunRow).where(RunRow.packet_id == packet_id, RunRow.state == "done",
                                                  RunRow.kind == "batch")
                             .order_by(RunRow.packet_version.desc(), RunRow.id.desc())).first()
        if decision is None:
            raise KeyError(f"申报包 {packet_id} 尚无已完成的审查记录，无法复核")
        before = [FindingOut.model_validate(r.data) for r in
                  s.scalars(select(FindingRow).where(FindingRow.run_id == decision.id).order_by(FindingRow.id))]
    packet, problems = repo.load_packet(store, packet_id, decision.packet_version)
    base = Path(out_dir) / packet_id if out_dir else Path(decision.out_dir or f"recheck/{packet_id}")
    run_id = repo.start_run(store, packet_id, decision.packet_version, "recheck", base)
    out = base / f"recheck-{run_id}"
    out.mkdir(parents=True, exist_ok=True)
    with store.session() as s, s.begin():
        s.get(RunRow, run_id).out_dir = str(out)
    try:
        report = call_review(review or default_review(), packet, out, problems)
        report, changed = merge_problems(report, problems)
        sha = save_report(report, out, store, changed)
        repo.finish_run(store, run_id, report, sha, update_packet=False)
    except Exception as e:
        repo.fail_run_only(store, run_id, repr(e))
        raise
    d = diff_findings(before, list(report.findings))
    doc = {"packet_id": packet_id, "packet_version": decision.packet_version,
           "decision_run": {"id": decision.id, "status": decision.status, "rule_pack": decision.rule_pack,
                            "engines": decision.engines,
                            "finished_at": decision.finished_at.isoformat() if decision.finished_at else None},
           "recheck_run": {"id": run_id, "status": report.status, "rule_pack": report.rule_pack,
                           "engines": report.engines},
           **d}
    path = out / "diff.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return RecheckResult(packet_id=packet_id, decision_run=decision.id, recheck_run=run_id,
                         status_before=decision.status, status_after=report.status, diff_path=str(path),
                         report_dir=str(out), **d)
