"""Lay the rendered documents out as files (separate folders or one combined scan) and write truth.json."""
from __future__ import annotations

import io
from collections import Counter
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import names as N
from .broken import broken_file
from .docs import Doc, concat_pdfs, pdfium_bytes, license_jpeg, render_all
from .license import K
from .model import PacketSpec, SealOut
from .scan import ScanOpts, choose, images_pdf, rasterize, scan_page


def _ident(b: list[float]) -> list[float]:
    return list(b)


@dataclass
class Unit:
    """One output page: either a page of a digital PDF, or a JPEG page image."""
    doc: Doc
    index: int                               # 0-based page in doc
    jpeg: bytes | None = None
    size: tuple[float, float] | None = None  # points
    dpi: float = 72.0
    bbox: Callable = _ident
    garbage: bool = False


def _units(doc: Doc, scanned: bool, rng: random.Random, offset: int | None, dpi: int | None,
           grey: bool | None = None, quality: int | None = None) -> list[Unit]:
    n = doc.n_pages
    footer = (lambda i: f"第 {offset + i + 1} 页") if offset is not None else (lambda i: None)
    if not scanned and doc.images:                      # clean licence image page
        return [Unit(doc, i, license_jpeg(im), (im.width / K, im.height / K), 72 * K) for i, im in enumerate(doc.images)]
    if not scanned:
        return [Unit(doc, i) for i in range(n)]
    o: ScanOpts = choose(rng, dpi, grey, quality)
    out = []
    pages = doc.images if doc.images else rasterize(doc.rendered.pdf, o.dpi)
    src = 72 * K if doc.images else o.dpi
    for i, im in enumerate(pages):
        q = rng.choice([1, 2, 3]) if rng.random() < 0.05 else 0
        jpg, size, fn = scan_page(im, o, rng, src, quarter=q, footer=footer(i))
        out.append(Unit(doc, i, jpg, size, o.dpi, fn, o.garbage_text))
    return out


def _pdf(units: list[Unit], rng: random.Random) -> bytes:
    """One PDF from consecutive units (digital pages imported, image pages built)."""
    chunks: list[bytes] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u.jpeg is None:
            j = i
            while j < len(units) and units[j].jpeg is None and units[j].doc is u.doc:
                j += 1
            idx = [x.index for x in units[i:j]]
            chunks.append(_subset(u.doc.rendered.pdf, idx))
        else:
            j = i
            while j < len(units) and units[j].jpeg is not None and units[j].doc is u.doc:   # garbage layer per doc
                j += 1
            chunks.append(images_pdf([(x.jpeg, x.size) for x in units[i:j]], units[i].garbage, rng))
        i = j
    return chunks[0] if len(chunks) == 1 else concat_pdfs(chunks)


def _subset(pdf: bytes, idx: list[int]) -> bytes:
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(pdf)
    if idx == list(range(len(src))):
        src.close()
        return pdf
    out = pdfium.PdfDocument.new()
    out.import_pages(src, idx)
    data = pdfium_bytes(out)
    out.close()
    src.close()
    return data


class Writer:
    def __init__(self, spec: PacketSpec, root: Path):
        self.spec, self.root = spec, root
        self.documents: list[dict] = []
        self.used: set[str] = set()

    def unique(self, rel: str) -> str:
        base, dot, ext = rel.rpartition(".")
        k = 1
        while rel in self.used:
            k += 1
            rel = f"{base}_{k}.{ext}"
        self.used.add(rel)
        return rel

    def write(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def record(self, rel: str, units: list[Unit], first_page: int, scale: float = 1.0, part: str | None = None):
        """Truth entries and seals for units placed at pages first_page.. of file rel."""
        doc = units[0].doc
        p = doc.party
        entry = {"file": rel, "pages": [first_page, first_page + len(units) - 1], "kind": doc.kind,
                 "party_uscc": p.uscc if p else None, "party_key": p.key if p else None,
                 "text_layer": units[0].jpeg is None or units[0].garbage, "ocr": units[0].jpeg is not None}
        if units[0].garbage:
            entry["bad_text_layer"] = True
        if part:
            entry["part"] = part
        if doc.copy_of and units[-1].index == doc.n_pages - 1 and len(doc.images or []) + (1 if doc.copy_of else 0):
            entry["last_page_copy_of"] = doc.copy_of
        if doc.kind == "application_form":
            entry["sections"] = [{"name": n, "party_uscc": self.spec.party(k).uscc if k else None,
                                  "page": pg + first_page - 1} for n, pg, k in doc.rendered.sections]
        self.documents.append(entry)
        for m in doc.marks:
            u = next((x for x in units if x.index == m.page - 1), None)
            if u is None or m.party is None:
                continue
            bb = [round(v * scale, 1) for v in u.bbox(m.bbox)]
            self.spec.party(m.party).seals.append(SealOut(file=rel, page=first_page + units.index(u), bbox=bb,
                                                          text=m.text, kind=m.kind))


def materialize(spec: PacketSpec, out_dir: Path, scan_dpi: int | None = None, scan_grey: bool | None = None,
                scan_quality: int | None = None) -> Path:
    rng = random.Random(f"{spec.seed}-layout")
    root = out_dir / spec.id
    root.mkdir(parents=True, exist_ok=True)
    docs = render_all(spec)
    scanned = []
    for d in docs:
        s = spec.rendering == "scanned" or (spec.rendering == "mixed" and rng.random() < 0.5)
        if d.kind == "application_form" and spec.extras.get("force_scan_app"):
            s = True
        scanned.append(s)
    w = Writer(spec, root)
    combined = spec.layout == "combined"
    offsets, g = [], 0
    for d in docs:
        offsets.append(g)
        g += d.n_pages
    all_units = [_units(d, s, rng, off if combined else None, scan_dpi, scan_grey, scan_quality)
                 for d, s, off in zip(docs, scanned, offsets)]
    if combined:
        rel = w.unique(rng.choice(["全套申报材料.pdf", "申报材料（盖章扫描件）.pdf", f"{spec.cluster_name}申报材料.pdf"]))
        flat = [u for us in all_units for u in us]
        w.write(rel, _pdf(flat, rng))
        for us, off in zip(all_units, offsets):
            w.record(rel, us, off + 1)
    else:
        _separate(spec, w, docs, all_units, rng)
    _broken(spec, w, docs, rng, combined)
    kinds = sorted({d.short for d, us in zip(docs, all_units) if any(u.jpeg is not None for u in us)})
    truth = _truth(spec, w.documents, kinds)
    (root / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


def _separate(spec: PacketSpec, w: Writer, docs: list[Doc], all_units: list[list[Unit]], rng: random.Random):
    style = rng.randrange(3)
    for d, us in zip(docs, all_units):
        p = d.party
        folder = "" if p is None else N.folder(spec, p, rng, style) + "/"
        name = N.file_name(d.kind, p, rng).replace("{c}", spec.cluster_name)
        stem = name.rsplit(".", 1)[0]
        r = rng.random()
        if us[0].jpeg is not None and p is not None and (d.images and r < 0.35 or r < 0.08):
            ext = rng.choice([".jpg", ".jpg", ".png"])           # one image file per page
            for i, u in enumerate(us):
                rel = w.unique(f"{folder}{stem}{'' if len(us) == 1 else f'_{i + 1}'}{ext}")
                w.write(rel, u.jpeg if ext == ".jpg" else _png(u.jpeg))
                w.record(rel, [u], 1, scale=u.dpi / 72, part=None if len(us) == 1 else f"{i + 1}/{len(us)}")
        elif len(us) >= 4 and p is not None and r < 0.15:        # split over two files
            k = rng.randint(1, len(us) - 1)
            for j, chunk in enumerate([us[:k], us[k:]]):
                rel = w.unique(f"{folder}{stem}{j + 1}.pdf")
                w.write(rel, _pdf(chunk, rng))
                w.record(rel, chunk, 1, part=f"{j + 1}/2")
        else:
            rel = w.unique(folder + name)
            w.write(rel, _pdf(us, rng))
            w.record(rel, us, 1)
    if rng.random() < 0.15:                                      # a harmless duplicate copy of one file
        src = rng.choice([e for e in w.documents if e["party_key"]])
        base, ext = src["file"].rsplit(".", 1)
        rel = w.unique(f"{base}(1).{ext}")
        w.write(rel, (w.root / src["file"]).read_bytes())
        w.documents.append(dict(src, file=rel, duplicate_of=src["file"]))


def _png(jpg: bytes) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    im = Image.open(io.BytesIO(jpg))
    im = im.quantize(128) if im.mode == "RGB" else im.point(lambda v: v // 8 * 8)   # scanner-style reduced palette
    im.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def _broken(spec: PacketSpec, w: Writer, docs: list[Doc], rng: random.Random, combined: bool) -> None:
    reasons = spec.extras.get("broken", [])
    sample = next(d.rendered.pdf for d in docs if d.rendered is not None and d.party is not None)
    bad = []
    for reason in reasons:
        p = rng.choice(spec.parties)
        folder = "" if combined else N.folder(spec, p, rng, 0) + "/"
        rel = w.unique(folder + rng.choice(["补充材料.pdf", f"{p.hints.zihao}审计报告(1).pdf", f"扫描件{rng.randint(1, 9999):04d}.pdf",
                                            f"{p.hints.zihao}财务报表-新.pdf"]))
        w.write(rel, broken_file(reason, sample, rng))
        bad.append({"file": rel, "reason": reason})
    it = iter(bad)
    for f in spec.expected:
        if f["code"] == "DOC_UNREADABLE":
            f["detail"] = next(it)
    spec.extras["unreadable_files"] = bad


def _party(p) -> dict:
    d = p.model_dump(mode="json")
    miss = set(p.hints.missing_docs)
    if "business_license" in miss:
        d["license"] = None
    if "audit_report" in miss:
        d["financials"] = None
    if "financial_statements" in miss:
        d["statements_months"] = []
    if "commitment_letter" in miss:
        d["sign_date"] = None
    return d


def _truth(spec: PacketSpec, documents: list[dict], scanned_kinds: list[str]) -> dict:
    sev = {f["severity"] for f in spec.expected}
    status = "fail" if "error" in sev else "review" if "warning" in sev else "pass"
    return {
        "packet": {"id": spec.id, "cluster_name": spec.cluster_name, "application_date": spec.application_date,
                   "chain": spec.chain, "rendering": spec.rendering, "layout": spec.layout,
                   "scanned_kinds": scanned_kinds, "project_start": None if spec.project_blank else spec.project_start,
                   "project_end": None if spec.project_blank else spec.project_end,
                   "straddle_seals": spec.straddle_seals, "seed": spec.seed,
                   "unreadable_files": spec.extras.get("unreadable_files", [])},
        "status": status,
        "table1": {"enterprises": spec.table1_enterprises,
                   "project_total_wan": round(spec.project_total_wan + spec.extras.get("table1_total_off", 0), 2),
                   "subsidy_wan": spec.subsidy_wan, "kpis_quantified": sum(k.quantified for k in spec.kpis),
                   "survey_rows": len(spec.survey_rows),
                   "survey_types": dict(Counter(r.type for r in spec.survey_rows)),
                   "overview_chars": len(spec.overview)},
        "documents": documents,
        "parties": [_party(p) for p in spec.parties],
        "injected": spec.injected,
        "expected_findings": spec.expected,
    }
