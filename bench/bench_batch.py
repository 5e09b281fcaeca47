"""Batch overhead: ingest + register + store + outputs per packet, with a review that does nothing.

    .venv/bin/python bench/bench_batch.py [--packets 40] [--pg URL]

Packets are e-mails in an mbox, each with a GBK-named zip of 6 small PDFs and one broken attachment.
Prints seconds per stage and per packet for SQLite (and PostgreSQL when --pg is given)."""
from __future__ import annotations

import argparse
import mailbox
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.report import FindingOut, PacketInfo, PartyOut, ReportModel  # noqa: E402
from pipeline.batch import run_batch  # noqa: E402
from tests.test_batch_kit import application_pdf, broken_pdf, license_pdf, make_email, make_zip  # noqa: E402


def null_review(packet, out_dir: Path) -> ReportModel:
    out_dir.mkdir(parents=True, exist_ok=True)
    f = [FindingOut(code="DOC_MISSING", severity="error", party_name=f"企业{i}", message=f"缺少企业{i}的审计报告")
         for i in range(10)]
    rep = ReportModel(packet=PacketInfo(id=packet.id, source=packet.source, cluster_name="江门市某产业集群"),
                      status="fail", parties=[PartyOut(role="lead", name=f"{packet.id}公司")], findings=f)
    (out_dir / "report.json").write_text(rep.model_dump_json())
    return rep


def make_mbox(path: Path, n: int) -> None:
    box = mailbox.mbox(str(path))
    pdfs = {f"企业材料/企业{j}/营业执照.pdf": license_pdf(f"企业{j}") for j in range(5)}
    for i in range(n):
        z = make_zip({"申报书.pdf": application_pdf(f"江门市第{i}公司", "江门市某产业集群"), **pdfs})
        box.add(make_email(f"u{i}@qq.com", f"申报材料{i}", [("申报材料.zip", z, "rfc2231"),
                                                          ("审计报告.pdf", broken_pdf(), "rfc2231")], f"<b{i}@x>"))
    box.close()


def bench(n: int, store: str | None, label: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        make_mbox(d / "in.mbox", n)
        t = time.perf_counter()
        res = run_batch(str(d / "in.mbox"), d / "out", null_review, store_url=store)
        dt = time.perf_counter() - t
        t = time.perf_counter()
        again = run_batch(str(d / "in.mbox"), d / "out", null_review, store_url=store)
        dt2 = time.perf_counter() - t
        assert len(res.reviewed) == n and again.reviewed == []
        print(f"{label}: {n} packets (7 files each) in {dt:.2f} s = {1000 * dt / n:.0f} ms/packet; "
              f"idempotent re-run {dt2:.2f} s; notices {len(res.notices)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=int, default=40)
    ap.add_argument("--pg", default=None)
    a = ap.parse_args()
    bench(a.packets, None, "sqlite")
    if a.pg:
        bench(a.packets, a.pg, "postgresql")


if __name__ == "__main__":
    main()
