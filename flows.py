"""Prefect 3 flows: one packet, a batch of packets, and the inbox.

Each stage of pipeline/review.py is a task with retries declared on it. The read and extract caches are keyed on
content hashes (file sha256, page content), and results are persisted, so a second run over unchanged files
reuses them; the OCR engine keeps its own page-image cache underneath, so unchanged pages are never OCR'd twice.
Runs locally with no server set up (Prefect's ephemeral mode). A batch fans out with `.map`; pass
`task_runner=DaskTaskRunner(...)` (prefect-dask) to spread packets over Dask workers.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.futures import wait

from models.packet import FileProblem, Packet, StoredFile
from models.provenance import Document, Page
from models.report import ReportModel
from pipeline import review as rv

TRANSIENT = 2  # retries on transient errors (I/O hiccups, a worker lost)


def _read_key(_ctx, params) -> str:
    sf: StoredFile = params["sf"]
    o: rv.ReviewOptions = params["options"]
    return f"read-{sf.sha256}-{o.dpi}-{o.ocr_engine}-{o.seals}" + ("" if o.read_seals else "-unread")


def _extract_key(_ctx, params) -> str:
    doc: Document = params["doc"]
    h = hashlib.sha256(doc.model_dump_json(exclude={"fields", "rows", "party_uscc", "party_name", "party_key"}).encode())
    for p in params["pages"]:
        h.update(p.model_dump_json().encode())
    return f"extract-{h.hexdigest()}"


@task(retries=TRANSIENT, retry_delay_seconds=1, cache_key_fn=_read_key, persist_result=True)
def read_task(sf: StoredFile, options: rv.ReviewOptions) -> list[Page] | FileProblem:
    return rv.read_stage(sf, options)


@task(retries=TRANSIENT, retry_delay_seconds=1)
def classify_task(pages: list[Page]) -> list[Document]:
    return rv.classify_stage(pages)


@task(retries=TRANSIENT, retry_delay_seconds=1, cache_key_fn=_extract_key, persist_result=True)
def extract_task(doc: Document, pages: list[Page]) -> Document:
    return rv.extract_stage(doc, pages)


@task(retries=TRANSIENT, retry_delay_seconds=1)
def check_and_report_task(packet: Packet, pages: list[Page], docs: list[Document], problems: list[FileProblem],
                          out_dir: str, options: rv.ReviewOptions) -> ReportModel:
    return rv.finish_review(packet, pages, docs, problems, Path(out_dir), options)


@flow(name="review-packet", log_prints=True)
def review_packet_flow(source: str, out_dir: str, options: rv.ReviewOptions | None = None) -> ReportModel:
    """Review one packet (a folder, zip or PDF) and write its report folder."""
    from pipeline.ingest import packets_from_path
    options = options or rv.ReviewOptions()
    packet = packets_from_path(Path(source))[0]
    return _review_packet(packet, out_dir, options)


def _review_packet(packet: Packet, out_dir: str, options: rv.ReviewOptions) -> ReportModel:
    futures = read_task.map(packet.files, options=unmapped(options))
    pages: list[Page] = []
    problems: list[FileProblem] = list(getattr(packet, "problems", []))
    for got in (f.result() for f in futures):
        (problems.append(got) if isinstance(got, FileProblem) else pages.extend(got))
    docs = classify_task(pages)
    by_ref = {p.ref: p for p in pages}
    extracted = [extract_task.submit(d, rv.pages_of(d, by_ref)) for d in docs]
    docs = [f.result() for f in extracted]
    report = check_and_report_task(packet, pages, docs, problems, out_dir, options)
    cached = lambda fs: sum(f.state.name == "Cached" for f in fs)  # noqa: E731
    (Path(out_dir) / "run.json").write_text(json.dumps({
        "read_tasks": len(futures), "read_cached": cached(futures),
        "extract_tasks": len(extracted), "extract_cached": cached(extracted)}), encoding="utf-8")
    return report


@task(retries=TRANSIENT, retry_delay_seconds=2)
def review_packet_task(packet: Packet, out_dir: str, options: rv.ReviewOptions) -> dict:
    """One packet inside a batch: the plain review (its OCR cache still spares unchanged pages)."""
    report = rv.review_packet(packet, Path(out_dir), options)
    return {"id": packet.id, "status": report.status, "findings": len(report.findings)}


@flow(name="review-batch", log_prints=True)
def review_batch_flow(source: str, out_dir: str, options: rv.ReviewOptions | None = None) -> list[dict]:
    """Review every packet under `source` (a folder of packets, zips or PDFs), fanned out with .map."""
    from pipeline.ingest import packets_from_path
    options = options or rv.ReviewOptions()
    packets = packets_from_path(Path(source))
    futures = review_packet_task.map(packets, out_dir=[str(Path(out_dir) / p.id) for p in packets],
                                     options=unmapped(options))
    wait(futures)
    return [f.result() for f in futures]


# ------------------------------------------------------------------ the inbox
@task(retries=TRANSIENT, retry_delay_seconds=5)
def poll_task(source: str, store_url: str) -> list[str]:
    """Take in everything new from the source and register it; the packet ids now pending."""
    from pipeline.batch.core import list_new_submissions, register
    from pipeline.store import repo
    register(list_new_submissions(source, store_url), store_url)
    from pipeline.batch.core import store_for
    return list(repo.pending_packets(store_for(store_url)))


@task(retries=TRANSIENT, retry_delay_seconds=5)
def review_pending_task(packet_id: str, store_url: str, out_dir: str, options: rv.ReviewOptions) -> str | None:
    """Claim and review one pending packet (a claimed or finished packet is skipped: none reviewed twice)."""
    import functools

    from pipeline.batch.core import review_one
    return review_one(packet_id, store_url, out_dir, functools.partial(rv.review_packet, options=options))


@task(retries=TRANSIENT, retry_delay_seconds=2)
def batch_outputs_task(store_url: str, out_dir: str, refresh: list[str]) -> dict:
    from pipeline.batch.core import write_batch_outputs
    outs = write_batch_outputs(store_url, out_dir, refresh=refresh)
    return {"xlsx": outs["xlsx"], "notices": outs["notices"]}


@flow(name="review-inbox", log_prints=True)
def review_inbox(source: str, out_dir: str, store: str | None = None,
                 options: rv.ReviewOptions | None = None) -> dict:
    """Poll the source (folder, Maildir, mbox, imaps:// URL), register new submissions, review each pending
    packet (.map; on Dask with `review_inbox.with_options(task_runner=DaskTaskRunner(...))`), write 汇总.xlsx
    and the 补正通知. Killed mid-run and started again, it finishes what is left and repeats nothing."""
    from pipeline.batch.core import adopt_finished, store_for
    from pipeline.store import repo
    from pipeline.store.db import open_store
    options = options or rv.ReviewOptions()
    st = open_store(store, default_dir=Path(out_dir) / "store")
    url = st.url
    adopted = adopt_finished(store_for(url))
    repo.recover_stale(store_for(url))
    pending = poll_task(source, url)
    futures = review_pending_task.map(pending, store_url=unmapped(url), out_dir=unmapped(out_dir),
                                      options=unmapped(options))
    statuses = [f.result() for f in futures]
    reviewed = [p for p, s in zip(pending, statuses) if s not in (None, "error")]
    outs = batch_outputs_task(url, out_dir, reviewed + adopted)
    print(f"reviewed {len(reviewed)} packets; {outs['xlsx']}")
    return {"reviewed": reviewed, "failed": [p for p, s in zip(pending, statuses) if s == "error"], **outs}
