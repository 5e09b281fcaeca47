"""Store operations: registering submissions, packet state transitions, runs and their findings.

Packet states: pending -> reviewing (claimed by one worker) -> reviewed | failed; a new version
(补充材料) puts a packet back to pending; merged packets point at their target (merged_into).
Every transition is its own committed transaction, so a killed batch loses nothing and redoes
nothing that was committed.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from models.packet import FileProblem, Packet, StoredFile
from models.report import ReportModel
from pipeline.ingest.linking import identity, is_supplement, norm_name
from pipeline.ingest.model import Submission
from pipeline.store.db import Store
from pipeline.store.models import (DocumentRow, FieldRow, FileRow, FindingRow, PacketRow, PartyRow,
                                   RunRow, SubmissionRow, utcnow)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(worker: str | None) -> bool:
    """Is the worker process that claimed a packet still running (same host only)?"""
    if not worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return True                      # another machine: trust its claim
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


# --- registration -----------------------------------------------------------------------------

def known_submission_ids(store: Store, ids: list[str] | None = None) -> set[str]:
    """Registered submission ids (all of them, or those among ids)."""
    with store.session() as s:
        if ids is None:
            return set(s.scalars(select(SubmissionRow.id)))
        return set(s.scalars(select(SubmissionRow.id).where(SubmissionRow.id.in_(ids)))) if ids else set()


def _new_packet_id(s, sub: Submission) -> str:
    """Readable, stable ids: the folder / zip / PDF name, or P<sent date>-<hash> for an e-mail."""
    import re
    from pathlib import Path
    if sub.kind == "mail":
        base = "P" + re.sub(r"\D", "", (sub.sent_at or "")[:10]) + "-" + sub.id[:6]
    else:
        stem = Path(sub.source.split("#")[0]).stem
        base = re.sub(r"[^\w\-.\u4e00-\u9fff]+", "_", stem)[:60].strip("._") or "P" + sub.id[:10]
    pid, i = base, 1
    while s.get(PacketRow, pid) is not None:
        i += 1
        pid = f"{base}-{i}"
    return pid


def register(store: Store, sub: Submission) -> tuple[str, int] | None:
    """Link one new submission to a packet (step 1 of linking) and store its files.

    Returns (packet_id, version), or None when the submission was registered before. An e-mail with
    no attachment at all (a question to the inbox) is recorded without a packet: ("", 0)."""
    ident = identity(sub.sender, sub.subject)
    store.blobs.flush()                      # the bytes are on disk before the DB points at them
    with store.session() as s, s.begin():
        if s.get(SubmissionRow, sub.id) is not None:
            return None
        if sub.kind == "mail" and not sub.files and not sub.problems:
            s.add(SubmissionRow(id=sub.id, seq=(s.scalar(select(func.max(SubmissionRow.seq))) or 0) + 1,
                                packet_id=None, packet_version=0, kind=sub.kind, source=sub.source,
                                message_id=sub.message_id, sender=sub.sender, subject=sub.subject,
                                sent_at=sub.sent_at, raw_sha256=sub.raw_sha256))
            return "", 0
        target = None
        if sub.kind == "mail":
            live = (PacketRow.merged_into.is_(None))
            target = s.scalars(select(PacketRow).where(PacketRow.identity == ident, live)
                               .order_by(PacketRow.created_at.desc())).first()
            if target is None and is_supplement(sub.subject or "") and sub.sender:
                target = s.scalars(select(PacketRow).where(PacketRow.identity.startswith(sub.sender.lower() + "|"),
                                                           live).order_by(PacketRow.created_at.desc())).first()
        if target is None:
            target = PacketRow(id=_new_packet_id(s, sub), identity=ident, source=sub.source, version=1,
                               state="pending")
            s.add(target)
            version = 1
        else:
            target.version += 1
            version = target.version
            if target.state != "reviewing":
                target.state = "pending"
        seq = (s.scalar(select(func.max(SubmissionRow.seq))) or 0) + 1
        s.add(SubmissionRow(id=sub.id, seq=seq, packet_id=target.id, packet_version=version, kind=sub.kind,
                            source=sub.source, message_id=sub.message_id, sender=sub.sender,
                            subject=sub.subject, sent_at=sub.sent_at, is_supplement=is_supplement(sub.subject or ""),
                            raw_sha256=sub.raw_sha256))
        problems = {p.file: p.message for p in sub.problems}
        for f in sub.files:
            s.add(FileRow(submission_id=sub.id, path=f.path, sha256=f.sha256, size=f.size,
                          media_type=f.media_type, origin=f.origin))
        for f in sub.problem_files:
            s.add(FileRow(submission_id=sub.id, path=f.path, sha256=f.sha256, size=f.size,
                          media_type=f.media_type, origin=f.origin, problem=problems.pop(f.path, "无法读取")))
        for path, msg in problems.items():     # problems without kept bytes (refused zip members)
            s.add(FileRow(submission_id=sub.id, path=path, sha256="", size=0, origin=sub.source, problem=msg))
        return target.id, version


# --- loading ----------------------------------------------------------------------------------

def load_packet(store: Store, packet_id: str, version: int | None = None) -> tuple[Packet, list[FileProblem]]:
    """The packet as of `version` (default: latest): files of all its submissions up to that version;
    a later version's file with the same path supersedes the earlier one."""
    with store.session() as s:
        p = s.get(PacketRow, packet_id)
        if p is None:
            raise KeyError(f"没有该申报包：{packet_id}")
        version = version or p.version
        subs = [x for x in p.submissions if x.packet_version <= version]
        files: dict[str, StoredFile] = {}
        problems: dict[str, FileProblem] = {}
        for sub in sorted(subs, key=lambda x: (x.packet_version, x.seq)):
            for f in sub.files:
                if f.problem is not None:
                    problems[f.path] = FileProblem(file=f.path, message=f.problem)
                    continue
                problems.pop(f.path, None)
                files[f.path] = StoredFile(path=f.path, sha256=f.sha256, size=f.size,
                                           blob=str(store.blobs.path_of(f.sha256)),
                                           media_type=f.media_type, origin=f.origin)
        from pipeline.ingest import IngestedPacket     # a Packet that carries its ingest problems
        probs = list(problems.values())
        return IngestedPacket(id=p.id, source=p.source, files=list(files.values()), version=version,
                              problems=probs), probs


# --- state transitions ------------------------------------------------------------------------

def recover_stale(store: Store) -> list[str]:
    """Packets claimed by a dead worker go back to pending; runs a dead worker left 'started' are
    marked abandoned (call adopt_finished first to keep the ones that finished)."""
    back = []
    with store.session() as s, s.begin():
        for p in s.scalars(select(PacketRow).where(PacketRow.state == "reviewing")):
            if not _alive(p.claimed_by):
                p.state, p.claimed_by = "pending", None
                back.append(p.id)
        for r in s.scalars(select(RunRow).where(RunRow.state == "started")):
            if not _alive(r.worker):
                r.state = "abandoned"
    return back


def stale_runs(store: Store) -> list[RunRow]:
    """Runs left 'started' by a dead worker (their report may be complete on disk)."""
    with store.session() as s:
        rows = s.scalars(select(RunRow).where(RunRow.state == "started")).all()
        return [r for r in rows if not _alive(r.worker)]


def claim(store: Store, packet_id: str, worker: str | None = None) -> int | None:
    """Atomically take a pending packet for review; returns the version to review or None."""
    worker = worker or worker_id()
    with store.session() as s, s.begin():
        res = s.execute(update(PacketRow).where(PacketRow.id == packet_id, PacketRow.state == "pending")
                        .values(state="reviewing", claimed_by=worker, claimed_at=utcnow()))
        if res.rowcount != 1:
            return None
        return s.get(PacketRow, packet_id).version


def pending_packets(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(PacketRow.id).where(PacketRow.state == "pending")
                              .order_by(PacketRow.created_at, PacketRow.id)))


def start_run(store: Store, packet_id: str, version: int, kind: str, out_dir: Path,
              worker: str | None = None) -> int:
    with store.session() as s, s.begin():
        r = RunRow(packet_id=packet_id, packet_version=version, kind=kind, state="started",
                   worker=worker or worker_id(), out_dir=str(out_dir))
        s.add(r)
        s.flush()
        return r.id


def _lead_and_cluster(report: ReportModel) -> tuple[str | None, str | None]:
    lead = next((p.name for p in report.parties if p.role == "lead"), None)
    return lead, report.packet.cluster_name


def finish_run(store: Store, run_id: int, report: ReportModel, report_sha: str | None = None,
               update_packet: bool = True) -> str | None:
    """Store a finished review (findings, parties, fields, documents) and mark the packet reviewed,
    all in one transaction. Returns the packet id it was merged into by step 2 of linking, if any."""
    merged = None
    with store.session() as s, s.begin():
        run = s.get(RunRow, run_id)
        run.state, run.status, run.finished_at = "done", report.status, datetime.now(timezone.utc)
        run.rule_pack, run.engines, run.report_sha256 = report.rule_pack, report.engines or None, report_sha
        _store_report(s, run_id, report)
        if not update_packet:
            return None
        p = s.get(PacketRow, run.packet_id)
        lead, cluster = _lead_and_cluster(report)
        p.lead_name, p.cluster_name = lead or p.lead_name, cluster or p.cluster_name
        p.reviewed_version, p.status, p.claimed_by = run.packet_version, report.status, None
        p.state = "reviewed" if p.version == run.packet_version else "pending"
        merged = _confirm_identity(s, p)
    return merged


def fail_run(store: Store, run_id: int, error: str) -> None:
    with store.session() as s, s.begin():
        run = s.get(RunRow, run_id)
        run.state, run.error, run.finished_at = "failed", error[-4000:], datetime.now(timezone.utc)
        p = s.get(PacketRow, run.packet_id)
        p.state, p.claimed_by = "failed", None


def _confirm_identity(s, p: PacketRow) -> str | None:
    """Step 2 of linking: same reviewed lead unit + cluster as an earlier packet -> merge into it."""
    if not (p.lead_name and p.cluster_name):
        return None
    for other in s.scalars(select(PacketRow).where(PacketRow.id != p.id, PacketRow.merged_into.is_(None),
                                                   PacketRow.created_at <= p.created_at)):
        if norm_name(other.lead_name) == norm_name(p.lead_name) and \
                norm_name(other.cluster_name) == norm_name(p.cluster_name):
            for sub in sorted(p.submissions, key=lambda x: (x.packet_version, x.seq)):
                other.version += 1
                sub.packet_id, sub.packet_version = other.id, other.version
            if other.state != "reviewing":
                other.state = "pending"
            p.merged_into, p.state = other.id, "merged"
            return other.id
    return None


def _store_report(s, run_id: int, report: ReportModel) -> None:
    for d in report.documents:
        s.add(DocumentRow(run_id=run_id, file=d.file, page_from=d.pages[0], page_to=d.pages[1], kind=d.kind,
                          party_uscc=d.party_uscc, text_layer=d.text_layer, ocr=d.ocr))
    for party in report.parties:
        pr = PartyRow(run_id=run_id, role=party.role, name=party.name, uscc=party.uscc,
                      data=party.model_dump(mode="json"))
        s.add(pr)
        s.flush()
        for src in ("license", "declared", "financials"):
            block = getattr(party, src)
            if block is None:
                continue
            evidence: dict[str, Any] = (block.model_extra or {}).get("evidence") or {}
            for name, value in block.model_dump(mode="json", exclude={"evidence", "products"}).items():
                if value is None:
                    continue
                ev = evidence.get(name) if isinstance(evidence, dict) else None
                ev = ev if isinstance(ev, dict) else {}
                s.add(FieldRow(run_id=run_id, party_id=pr.id, source=src, name=name, value=value,
                               file=ev.get("file"), page=ev.get("page"), bbox=ev.get("bbox"),
                               text=ev.get("text"), engine=ev.get("engine"), confidence=ev.get("confidence")))
    for f in report.findings:
        s.add(FindingRow(run_id=run_id, code=f.code, severity=f.severity, party_uscc=f.party_uscc,
                         party_name=f.party_name, file=f.file, page=f.page, message=f.message,
                         data=f.model_dump(mode="json")))


def fail_run_only(store: Store, run_id: int, error: str) -> None:
    """Mark a run failed without touching its packet (re-checks)."""
    with store.session() as s, s.begin():
        run = s.get(RunRow, run_id)
        run.state, run.error, run.finished_at = "failed", error[-4000:], datetime.now(timezone.utc)


def requeue_failed(store: Store) -> list[str]:
    """Packets whose review raised go back to pending (their failed runs stay on record)."""
    with store.session() as s, s.begin():
        ids = list(s.scalars(select(PacketRow.id).where(PacketRow.state == "failed")))
        if ids:
            s.execute(update(PacketRow).where(PacketRow.id.in_(ids)).values(state="pending"))
        return ids
