"""The batch: ingest a source, register new submissions, review each packet not yet reviewed, write
the batch outputs. Plain functions, so a Prefect flow can wrap each as a task and `.map` review_one:

    url   = open_store(store, out_dir / "store").url           # resolve once, pass the URL around
    subs  = list_new_submissions(source, url)
    pids  = register(subs, url)                                # packet ids now pending
    for pid in pids: review_one(pid, url, out_dir, review)    # or review_one.map(...) on Dask
    write_batch_outputs(url, out_dir)
"""
from __future__ import annotations

import inspect
import json
import logging
import traceback
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field as PField

from models.packet import FileProblem, Packet
from models.report import FindingOut, ReportModel, status_of
from pipeline.batch.notice import write_notice
from pipeline.batch.summary import PacketSummary, summaries
from pipeline.batch.xlsx import write_xlsx
from pipeline.ingest.model import Limits, Submission
from pipeline.ingest.sources import ingest
from pipeline.store import repo
from pipeline.store.db import Store, open_store

log = logging.getLogger("shenbao.batch")
Review = Callable[..., ReportModel]
_STORES: dict[str, Store] = {}


class BatchResult(BaseModel):
    store_url: str
    out_dir: str
    new_submissions: int = 0
    reviewed: list[str] = PField(default_factory=list)        # packet ids reviewed by this call
    adopted: list[str] = PField(default_factory=list)         # finished before a crash, committed now
    failed: list[str] = PField(default_factory=list)
    packets: list[PacketSummary] = PField(default_factory=list)
    xlsx: str | None = None
    notices: list[str] = PField(default_factory=list)


def store_for(url: str) -> Store:
    """One Store per URL per process (a Dask worker reuses it)."""
    if url not in _STORES:
        _STORES[url] = open_store(url)
    return _STORES[url]


def default_review() -> Review:
    """pipeline.review.review_packet when the lead's module exists, else the small pdfplumber review."""
    try:
        from pipeline.review import review_packet
        return review_packet
    except ImportError:
        from pipeline.batch.simple_review import review_simple
        return review_simple


# --- flow-sized steps -------------------------------------------------------------------------

def list_new_submissions(source: str, store_url: str, limits: Limits | None = None) -> list[Submission]:
    """Ingest the source (bytes go to the blob store) and keep the submissions not registered yet."""
    store = store_for(store_url)
    known = repo.known_submission_ids(store)
    subs = ingest(source, store.blobs, limits, skip=known.__contains__)
    return [s for s in subs if s.id not in known]


def register(subs: list[Submission], store_url: str) -> list[str]:
    """Register submissions in arrival order; returns the ids of the packets now pending review."""
    store = store_for(store_url)
    for s in subs:
        got = repo.register(store, s)
        if got == ("", 0):
            log.info("e-mail without attachments, no packet: %s %s", s.sender, s.subject)
    return repo.pending_packets(store)


def merge_problems(report: ReportModel, problems: list[FileProblem]) -> tuple[ReportModel, bool]:
    """Make sure every ingest problem is a DOC_UNREADABLE finding of the report."""
    have = {f.file for f in report.findings if f.code == "DOC_UNREADABLE"}
    extra = [FindingOut(code="DOC_UNREADABLE", severity="error", file=p.file,
                        message=f"文件无法读取：{p.file}（{p.message}）", detail={"stage": "ingest"})
             for p in problems if p.file not in have]
    if not extra:
        return report, False
    findings = list(report.findings) + extra
    return report.model_copy(update={"findings": findings, "status": status_of(findings)}), True


def call_review(review: Review, packet: Packet, out: Path, problems: list[FileProblem]) -> ReportModel:
    """Call the review; ingest problems go as `problems=` when it takes that argument, and are always
    written to out/ingest_problems.json."""
    (out / "ingest_problems.json").write_text(
        json.dumps([p.model_dump() for p in problems], ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        takes = "problems" in inspect.signature(review).parameters
    except (TypeError, ValueError):
        takes = False
    rep = review(packet, out, problems=problems) if takes else review(packet, out)
    return rep if isinstance(rep, ReportModel) else ReportModel.model_validate(rep)


def save_report(report: ReportModel, out: Path, store: Store, rewrite: bool) -> str:
    path = out / "report.json"
    if rewrite or not path.exists():
        tmp = out / ".report.json.tmp"
        tmp.write_text(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    sha, _ = store.blobs.put(path.read_bytes())     # keep every run's report (re-check diffs need it)
    return sha


def review_one(packet_id: str, store_url: str, out_dir: str | Path, review: Review | None = None,
               kind: str = "batch") -> str | None:
    """Claim and review one pending packet; commits the result. Returns its status, or None when
    another worker has it or it is no longer pending."""
    store = store_for(store_url)
    version = repo.claim(store, packet_id)
    if version is None:
        return None
    out = Path(out_dir) / packet_id
    out.mkdir(parents=True, exist_ok=True)
    run_id = repo.start_run(store, packet_id, version, kind, out)
    try:
        packet, problems = repo.load_packet(store, packet_id, version)
        report = call_review(review or default_review(), packet, out, problems)
        report, changed = merge_problems(report, problems)
        sha = save_report(report, out, store, changed)
        repo.finish_run(store, run_id, report, sha)
        (out / "error.txt").unlink(missing_ok=True)
        return report.status
    except Exception:  # noqa: BLE001 - one bad packet must not stop the batch
        err = traceback.format_exc()
        log.error("review of %s failed:\n%s", packet_id, err)
        repo.fail_run(store, run_id, err)
        (out / "error.txt").write_text(err, encoding="utf-8")
        return "error"


def adopt_finished(store: Store) -> list[str]:
    """Runs whose worker died after the review wrote report.json but before the commit: commit them
    now instead of reviewing again (so no packet is reviewed twice)."""
    adopted = []
    for run in repo.stale_runs(store):
        if run.kind != "batch":
            continue                          # a re-check is simply run again by whoever wants it
        path = Path(run.out_dir or "") / "report.json"
        started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=timezone.utc)
        if not path.is_file() or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) < started:
            continue
        try:
            report = ReportModel.model_validate_json(path.read_bytes())
        except ValueError:
            continue
        if report.packet.id != run.packet_id:
            continue
        packet, problems = repo.load_packet(store, run.packet_id, run.packet_version)
        report, changed = merge_problems(report, problems)
        repo.finish_run(store, run.id, report, save_report(report, path.parent, store, changed))
        adopted.append(run.packet_id)
    return adopted


def write_batch_outputs(store_url: str, out_dir: str | Path, today: date | None = None,
                        refresh: list[str] | None = None) -> dict:
    """汇总.xlsx over every packet in the store, and 补正通知.docx for each packet needing corrections.

    A notice is (re)written when missing or when its packet is in `refresh` (reviewed just now; None:
    all); the notice of a packet that no longer needs one is removed."""
    out_dir = Path(out_dir)
    packs = summaries(store_for(store_url))
    xlsx = write_xlsx(packs, out_dir / "汇总.xlsx")
    notices = []
    for p in packs:
        path = out_dir / p.id / "补正通知.docx"
        if p.run_id is not None and p.needs_correction:
            if refresh is None or p.id in refresh or not path.exists():
                write_notice(p, path, today)
            notices.append(str(path))
        elif path.exists():
            path.unlink()
    return {"xlsx": str(xlsx), "notices": notices, "packets": packs}


# --- the whole batch --------------------------------------------------------------------------

def run_batch(source: str, out_dir: Path, review: Review | None = None, store_url: str | None = None,
              limits: Limits | None = None, workers: int = 1, retry_failed: bool = True) -> BatchResult:
    """Register new submissions from source, review every packet not yet reviewed, write outputs.

    Idempotent: run it again (after a crash, or on the same inbox) and only what is left is done.
    store_url: SQLAlchemy URL or a directory; default SHENBAO_DB_URL, else out_dir/store (SQLite).
    workers > 1: packets are reviewed in that many processes (review must then be picklable: a
    module-level function or a functools.partial of one). retry_failed: packets whose review raised
    in an earlier batch are tried again."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(store_url, default_dir=out_dir / "store")
    url = store.url
    _STORES.setdefault(url, store)
    res = BatchResult(store_url=url, out_dir=str(out_dir))
    res.adopted = adopt_finished(store)
    repo.recover_stale(store)
    if retry_failed:
        repo.requeue_failed(store)
    subs = list_new_submissions(source, url, limits)
    res.new_submissions = len(subs)
    pending = register(subs, url)
    review = review or default_review()
    for _round in range(5):        # step 2 of linking may merge packets: their targets become pending
        if not pending:
            break
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor
            with ProcessPoolExecutor(workers) as ex:
                statuses = list(ex.map(review_one, pending, [url] * len(pending), [out_dir] * len(pending),
                                       [review] * len(pending)))
        else:
            statuses = [review_one(pid, url, out_dir, review) for pid in pending]
        for pid, st in zip(pending, statuses):
            if st == "error":
                res.failed.append(pid)
            elif st is not None:
                res.reviewed.append(pid)
        pending = repo.pending_packets(store)
    outs = write_batch_outputs(url, out_dir, refresh=res.reviewed + res.adopted)
    res.xlsx, res.notices, res.packets = outs["xlsx"], outs["notices"], outs["packets"]
    return res

