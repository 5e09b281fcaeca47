"""Review one packet end to end. Each stage is a plain function with one signature, so that the CLI calls
them in a loop and flows.py wraps each as a Prefect task (retries, caching, .map fan-out)."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from models.packet import FileProblem, Packet, ReviewContext, StoredFile
from models.provenance import Document, DocKind, Page
from models.report import ReportModel

log = logging.getLogger(__name__)


class ReviewOptions(BaseModel):
    """Typed options for a review (Docling-style): every knob in one place."""
    dpi: int = 150
    ocr_engine: str | None = None      # None: configured default (env SHENBAO_OCR_ENGINE)
    cache_dir: str | None = None       # OCR cache; None: ~/.cache/shenbao (env SHENBAO_CACHE_DIR)
    rules: str | None = None           # rule pack path or name; None: rules/2025-jiangmen.yaml
    seals: bool = True
    read_seals: bool = True            # OCR the seals found; off: found, left unread (benchmarks without OCR)
    write_html: bool = True
    progress: bool = False
    read_workers: int = 1              # processes reading a packet's files side by side (pipeline.read.parallel)


# ------------------------------------------------------------------ stages
def read_stage(sf: StoredFile, options: ReviewOptions) -> list[Page] | FileProblem:
    """file → Pages (text layer or OCR); an unreadable file becomes a FileProblem, never an exception."""
    from pipeline.read import ReadOptions, UnreadableFile, read_file
    try:
        return read_file(sf, ReadOptions(dpi=options.dpi, engine=options.ocr_engine, cache_dir=options.cache_dir,
                                         seals=options.seals, read_seals=options.read_seals))
    except UnreadableFile as exc:
        return FileProblem(file=sf.path, message=str(exc))
    except Exception as exc:  # a batch never dies: any reader crash is reported on that file
        log.exception("reading %s failed", sf.path)
        return FileProblem(file=sf.path, message=f"文件无法读取（{type(exc).__name__}: {exc}）")


def read_all(files: list[StoredFile], options: ReviewOptions, desc: str = "读取") -> list[list[Page] | FileProblem]:
    """read_stage of every file, in order; over options.read_workers processes when more than one."""
    if options.read_workers <= 1:
        return [read_stage(sf, options) for sf in _progress(files, options, desc)]
    from functools import partial

    from pipeline.read.parallel import map_files
    return map_files(partial(read_stage, options=options), files, options.read_workers, size=lambda sf: sf.size)


def classify_stage(pages: list[Page]) -> list[Document]:
    from pipeline.classify.split import split_pages
    return split_pages(pages)


def extract_stage(doc: Document, pages: list[Page]) -> Document:
    from extractors import extract
    try:
        return extract(doc, pages)
    except Exception as exc:
        log.exception("extracting %s %s failed", doc.kind, doc.pages[:1])
        doc.extra["extract_error"] = f"{type(exc).__name__}: {exc}"
        return doc


def context_stage(packet: Packet, pages: list[Page], docs: list[Document], problems: list[FileProblem],
                  rules: dict) -> ReviewContext:
    from pipeline.classify.parties import build_parties, tie_documents
    parties = build_parties(docs)
    tie_documents(docs, parties)
    cover = next((d for d in docs if d.kind == DocKind.application_form and d.section == "cover"), None)
    table1 = next((d for d in docs if d.kind == DocKind.application_form and d.section == "table1"), None)
    app_date = cover.value("application_date") if cover else None
    cluster = (cover.value("cluster_name") if cover else None) or (table1.value("cluster_name") if table1 else None)
    return ReviewContext(packet=packet, application_date=app_date if isinstance(app_date, date) else None,
                         cluster_name=cluster, pages={f"{p.file}#{p.index}": p for p in pages},
                         documents=docs, parties=parties, problems=problems, rules=rules)


def check_stage(ctx: ReviewContext):
    from pipeline.checks import run_checks
    return run_checks(ctx)


def engines_used(options: ReviewOptions) -> dict[str, str]:
    import os

    from pipeline.ocr import DEFAULT_ENGINE
    ocr = options.ocr_engine or os.environ.get("SHENBAO_OCR_ENGINE") or DEFAULT_ENGINE
    return {"text": "pdfplumber", "ocr": ocr, "render": "pypdfium2"}


# ------------------------------------------------------------------ the whole review
def pages_of(doc: Document, by_ref: dict[tuple[str, int], Page]) -> list[Page]:
    return [by_ref[r] for r in doc.pages if r in by_ref]


def review_packet(packet: Packet, out_dir: Path, options: ReviewOptions | None = None) -> ReportModel:
    from pipeline.rules import load_rules

    options = options or ReviewOptions()
    rules = load_rules(options.rules)
    pages: list[Page] = []
    problems: list[FileProblem] = list(getattr(packet, "problems", []))  # ingest problems (bad zip members …)
    for got in read_all(packet.files, options, f"{packet.id} 读取"):
        if isinstance(got, FileProblem):
            problems.append(got)
        else:
            pages.extend(got)
    docs = classify_stage(pages)
    by_ref = {p.ref: p for p in pages}
    docs = [extract_stage(d, pages_of(d, by_ref)) for d in docs]
    return finish_review(packet, pages, docs, problems, out_dir, options, rules)


def finish_review(packet: Packet, pages: list[Page], docs: list[Document], problems: list[FileProblem],
                  out_dir: Path, options: ReviewOptions, rules: dict | None = None) -> ReportModel:
    """Parties, checks, report: the stages after extraction."""
    from pipeline.assemble import build_report
    from pipeline.report import write_report
    from pipeline.report.frames import PageFrame
    from pipeline.rules import load_rules

    rules = rules if rules is not None else load_rules(options.rules)
    ctx = context_stage(packet, pages, docs, problems, rules)
    findings = check_stage(ctx)
    report = build_report(ctx, findings, engines_used(options), rules.get("name"))
    out_dir.mkdir(parents=True, exist_ok=True)
    write_report(report, out_dir, {sf.path: sf.blob for sf in packet.files},
                 {p.ref: PageFrame(rotation=p.rotation, skew=p.skew, width=p.width, height=p.height)
                  for p in pages if p.rotation or p.skew}, html=options.write_html)
    return report


def _progress(items, options: ReviewOptions, desc: str):
    if not options.progress:
        return items
    from tqdm import tqdm
    return tqdm(items, desc=desc, unit="文件", leave=False)
