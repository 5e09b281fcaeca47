"""The `shenbao` command.

    shenbao review PATH --out DIR     PATH: a packet folder, a zip, a PDF, or a folder of packets
    shenbao batch SOURCE --out DIR    SOURCE: folder of packets, Maildir, .mbox, .eml, imap(s):// URL; uses the store
    shenbao recheck PACKET_ID         re-review a stored packet with today's rules and engines, diff against before

Exit codes: 0 every packet passed; 1 reviewed, and some packet has errors or warnings;
2 bad input (path missing, nothing to review, bad options); 3 internal failure.
"""
from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

EXIT_PASS, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _options(a: argparse.Namespace):
    from pipeline.read.parallel import auto_workers
    from pipeline.review import ReviewOptions
    workers = a.read_workers
    if workers is None:       # Dask workers are the parallelism there: each reads its packet's files in turn
        workers = 1 if getattr(a, "dask_workers", 0) else auto_workers()
    return ReviewOptions(dpi=a.dpi, ocr_engine=a.engine, rules=a.rules, progress=not a.quiet, seals=not a.no_seals,
                         read_workers=workers)


def cmd_review(a: argparse.Namespace) -> int:
    from pipeline.ingest import IngestError, packets_from_path
    from pipeline.review import review_packet
    src = Path(a.path)
    if not src.exists():
        print(f"错误：找不到 {src}", file=sys.stderr)
        return EXIT_INPUT
    try:
        packets = packets_from_path(src)
    except IngestError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_INPUT
    if not packets:
        print(f"错误：{src} 中没有可审查的申报材料", file=sys.stderr)
        return EXIT_INPUT
    out = Path(a.out)
    options = _options(a)
    rows = []
    from tqdm import tqdm
    for packet in tqdm(packets, desc="审查", unit="份", disable=a.quiet or len(packets) == 1):
        report = review_packet(packet, out / packet.id, options)
        rows.append(report)
        print(f"{packet.id}: {report.status}  "
              f"{sum(f.severity == 'error' for f in report.findings)} 错误 / "
              f"{sum(f.severity == 'warning' for f in report.findings)} 警告  → {out / packet.id / 'report.html'}")
    if len(rows) > 1:
        from pipeline.batch import write_summary
        print(f"汇总表: {write_summary(rows, out)}")
    return EXIT_PASS if all(r.status == "pass" for r in rows) else EXIT_FINDINGS


def share_cores(workers: int) -> None:
    """Local workers split this machine's cores: each OCR engine gets cores/workers threads (workers inherit the
    environment), so N workers do not fight over the same cores. An explicit SHENBAO_OCR_THREADS wins."""
    import os
    if workers > 1:
        os.environ.setdefault("SHENBAO_OCR_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))


@contextmanager
def shared_prefect_server():
    """Without a Prefect server (PREFECT_API_URL), one temporary server for this run and its local Dask workers:
    each worker process would otherwise start a server of its own."""
    import os
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings
    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")))
    os.environ["PREFECT_API_URL"] = server.api_url        # inherited by the workers
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker
        for worker in (APILogWorker, EventsWorker):   # logs and events reach the server before it stops
            try:
                worker.drain_all(timeout=15)
            except Exception:  # noqa: BLE001 - a log lost at shutdown must not fail the batch
                pass
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def cmd_batch(a: argparse.Namespace) -> int:
    if a.dask_workers:
        return _batch_on_dask(a)
    from pipeline.batch import run_batch_cli
    return run_batch_cli(a.source, Path(a.out), _options(a), store=a.store)


def _batch_on_dask(a: argparse.Namespace) -> int:
    """The same batch through the Prefect inbox flow, packets fanned out over a local Dask cluster
    (or DASK_SCHEDULER_ADDRESS, a running cluster's scheduler)."""
    import os

    from prefect_dask import DaskTaskRunner

    from flows import review_inbox
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if not address:
        share_cores(a.dask_workers)
    runner = DaskTaskRunner(address=address) if address else DaskTaskRunner(
        cluster_kwargs={"n_workers": a.dask_workers, "threads_per_worker": 1, "processes": True})
    with shared_prefect_server():
        res = review_inbox.with_options(task_runner=runner)(a.source, a.out, store=a.store, options=_options(a))
    print(f"本次审查 {len(res['reviewed'])} 个申报包，出错 {len(res['failed'])} 个；汇总表: {res['xlsx']}")
    return EXIT_INTERNAL if res["failed"] else EXIT_PASS


def cmd_recheck(a: argparse.Namespace) -> int:
    from pipeline.batch import recheck_cli
    return recheck_cli(a.packet_id, Path(a.out) if a.out else None, _options(a), store=a.store)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="shenbao", description="江门工业互联网产业集群试点 申报材料审查")
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dpi", type=int, default=150, help="rendering resolution for OCR")
        p.add_argument("--engine", default=None, help="OCR engine (default: paddleocr on onnxruntime)")
        p.add_argument("--rules", default=None, help="rule pack file (default: rules/2025-jiangmen.yaml)")
        p.add_argument("--no-seals", action="store_true", help="skip seal detection")
        p.add_argument("--read-workers", type=int, default=None,
                       help="processes reading a packet's files side by side (default: one per core, at most 4; "
                            "1 with --dask-workers)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser("review", help="review a packet (folder, zip or PDF) or a folder of packets")
    p.add_argument("path")
    p.add_argument("--out", required=True)
    common(p)
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("batch", help="take in a source (folder, Maildir, mbox, imap URL), store and review it")
    p.add_argument("source")
    p.add_argument("--out", required=True)
    p.add_argument("--store", default=None, help="store directory or database URL (default: ./var/store)")
    p.add_argument("--dask-workers", type=int, default=0,
                   help="run the Prefect flow on a local Dask cluster of N workers (DASK_SCHEDULER_ADDRESS: a real one)")
    common(p)
    p.set_defaults(func=cmd_batch)
    p = sub.add_parser("recheck", help="re-review a stored packet and diff against the decision-time run")
    p.add_argument("packet_id")
    p.add_argument("--out", default=None)
    p.add_argument("--store", default=None)
    common(p)
    p.set_defaults(func=cmd_recheck)

    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return a.func(a)
    except KeyboardInterrupt:
        return 130
    except Exception:  # the CLI never dies silently
        logging.exception("shenbao %s failed", a.cmd)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
