"""What `shenbao batch`, `shenbao recheck` and `shenbao review` (several packets) call.

Exit codes as in pipeline/cli.py: 0 all pass / no difference, 1 findings / differences,
2 bad input, 3 internal failure."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from models.report import ReportModel
from pipeline.batch.summary import PacketSummary

EXIT_PASS, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def default_store() -> str:
    """--store default: SHENBAO_DB_URL, else SHENBAO_STORE, else ./var/store (SQLite inside)."""
    return os.environ.get("SHENBAO_DB_URL") or os.environ.get("SHENBAO_STORE") or "var/store"


def _review_with(options):
    from pipeline.batch.core import default_review
    review = default_review()
    if options is None:
        return review
    return functools.partial(review, options=options)


def summary_from_report(r: ReportModel) -> PacketSummary:
    lead = next((p.name for p in r.parties if p.role == "lead"), None)
    f = list(r.findings)
    return PacketSummary(id=r.packet.id, lead_name=lead, cluster_name=r.packet.cluster_name, state="reviewed",
                         status=r.status, source=r.packet.source, findings=f,
                         errors=sum(x.severity == "error" for x in f),
                         warnings=sum(x.severity == "warning" for x in f),
                         infos=sum(x.severity == "info" for x in f))


def write_summary(reports: list[ReportModel], out_dir: Path) -> Path:
    """汇总.xlsx for reports reviewed without the store (`shenbao review` of several packets)."""
    from pipeline.batch.xlsx import write_xlsx
    return write_xlsx([summary_from_report(r) for r in reports], Path(out_dir) / "汇总.xlsx")


def run_batch_cli(source: str, out: Path, options=None, store: str | None = None, dask_workers: int = 0) -> int:
    from pipeline.batch.core import run_batch
    from pipeline.ingest.sources import SourceError
    try:
        res = run_batch(source, Path(out), _review_with(options), store or default_store(),
                        workers=max(1, dask_workers))
    except SourceError as e:
        print(f"错误：{e}", file=sys.stderr)
        return EXIT_INPUT
    print(f"新收到 {res.new_submissions} 份，本次审查 {len(res.reviewed)} 个申报包"
          f"{f'，补登 {len(res.adopted)} 个' if res.adopted else ''}"
          f"{f'，出错 {len(res.failed)} 个' if res.failed else ''}")
    for p in res.packets:
        print(f"{p.id}  {p.lead_name or '-'}  {p.cluster_name or '-'}  {p.status_cn}  "
              f"错误{p.errors}/警告{p.warnings}/提示{p.infos}")
    print(f"汇总表: {res.xlsx}")
    for n in res.notices:
        print(f"补正通知: {n}")
    if res.failed:
        return EXIT_INTERNAL
    return EXIT_PASS if all(p.status == "pass" for p in res.packets) else EXIT_FINDINGS


def recheck_cli(packet_id: str, out: Path | None = None, options=None, store: str | None = None) -> int:
    from pipeline.batch.recheck import recheck
    try:
        r = recheck(packet_id, store or default_store(), _review_with(options), out)
    except KeyError as e:
        print(f"错误：{e.args[0]}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{packet_id}: 决策时 {r.status_before} → 复核 {r.status_after}；新增 {len(r.added)}，"
          f"消失 {len(r.removed)}，变化 {len(r.changed)}")
    print(f"差异: {r.diff_path}")
    return EXIT_PASS if r.unchanged else EXIT_FINDINGS
