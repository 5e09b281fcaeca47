"""Integrity: DUPLICATE_DOCUMENT, SURVEY_TOO_SMALL. (OCR_LOW_CONFIDENCE is emitted by every group.)"""
from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import numpy as np

from models.packet import Party, ReviewContext
from models.provenance import DocKind, Document
from models.report import EvidenceOut, FindingOut
from pipeline.checks.base import Findings, KIND_CN, doc_ev, rules_of, rval, th, to_number
from pipeline.checks.uscc import compact, is_valid

log = logging.getLogger(__name__)
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
IMAGE_KINDS = {DocKind.business_license}          # template tables (statements) hash alike: compared by figures
FIGURE_KINDS = {DocKind.financial_statements, DocKind.audit_report, DocKind.tax_report}
_AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{5,}(?:\.\d{1,2})?|\d+\.\d{2}")


def amounts_on(text: str) -> set[str]:
    """The money figures on a page (grouped thousands, long numbers, two decimals): a content fingerprint."""
    out = set()
    for m in _AMOUNT_RE.findall(text):
        v = m.replace(",", "")
        if re.fullmatch(r"20\d{2}(?:\.\d+)?", v) or re.fullmatch(r"\d{8}", v) and v.startswith("20"):
            continue  # years and dates are shared by everyone
        out.add(v)
    return out


def dhash(image: np.ndarray, n: int = 64) -> np.ndarray | None:
    """A 4096-bit difference hash of a rendered page; None for a blank page (it would match any blank)."""
    from PIL import Image
    g = Image.fromarray(image).convert("L")
    if np.asarray(g).std() < 8:
        return None
    a = np.asarray(g.resize((n + 1, n), Image.LANCZOS), dtype=np.int16)
    bits = (a[:, 1:] > a[:, :-1]).flatten()
    return bits if 0.05 < bits.mean() < 0.95 else None


def _page_image(ctx: ReviewContext, file: str, index: int) -> np.ndarray | None:
    sf = next((f for f in ctx.packet.files if f.path == file), None)
    if sf is None or not Path(sf.blob).is_file():
        return None
    from pipeline.read.render import load_image, render_pdf_page
    try:
        if (sf.media_type or "").startswith("image/") or Path(sf.path).suffix.lower() in (
                ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"):
            return load_image(sf.blob)
        return render_pdf_page(sf.blob, index, dpi=36)
    except Exception as exc:  # an unrenderable page just takes no part
        log.info("dhash: cannot render %s#%s: %s", file, index, exc)
        return None


def _holders(ctx: ReviewContext) -> list[tuple[Party, Document]]:
    kinds = {DocKind(k) for k in rules_of(ctx).get("duplicates", {}).get("kinds", [])} or IMAGE_KINDS
    out = []
    for p in ctx.parties:
        for i in p.documents:
            d = ctx.documents[i]
            if d.kind in kinds:
                out.append((p, d))
    return out


def _duplicates(ctx: ReviewContext, out: Findings) -> None:
    holders = _holders(ctx)
    pairs: dict[frozenset, dict] = {}

    def hit(a: Party, b: Party, why: str, doc_kind: DocKind, ev: list[EvidenceOut | None]) -> None:
        if a.key == b.key:
            return
        k = frozenset((a.key, b.key))
        rec = pairs.setdefault(k, {"parties": (a, b), "why": set(), "kinds": set(), "ev": []})
        rec["why"].add(why)
        rec["kinds"].add(doc_kind.value)
        for e in ev:
            if e is not None and all((e.file, e.page) != (x.file, x.page) for x in rec["ev"]):
                rec["ev"].append(e)

    by_key = {p.key: p for p in ctx.parties}
    # 1. a document whose content names another party that has its own document of that kind
    for p, d in holders:
        c = d.extra.get("content_party")
        if c and c != p.key and c in by_key:
            other = by_key[c]
            if any(e.kind == d.kind and e.extra.get("content_party") in (None, c) for e in other.docs(ctx, d.kind)):
                hit(p, other, "content", d.kind, [doc_ev(d)] + [doc_ev(e) for e in other.docs(ctx, d.kind)[:1]])
    # 2. a licence page that shows another party's credit code
    code_of = {compact(p.uscc): p for p in ctx.parties if p.uscc and is_valid(p.uscc)}
    for p, d in holders:
        if d.kind != DocKind.business_license:
            continue
        for file, idx in d.pages:
            page = ctx.page(file, idx)
            if page is None:
                continue
            codes = {c for c in _USCC_RE.findall(re.sub(r"\s", "", page.text.upper())) if is_valid(c)}
            for c in codes:
                other = code_of.get(c)
                if other is not None and other.key != p.key and p.uscc and compact(p.uscc) != c \
                        and other.docs(ctx, DocKind.business_license):
                    line = next((ln for ln in page.lines if c in re.sub(r"\s", "", ln.text.upper())), None)
                    hit(p, other, "uscc_on_page", d.kind,
                        [EvidenceOut(file=file, page=idx, bbox=line.bbox if line else None, text=c,
                                     confidence=line.confidence if line else None)]
                        + [doc_ev(e) for e in other.docs(ctx, DocKind.business_license)[:1]])
    # 3. byte-identical files / page images, 4. near-identical page images (dHash)
    files = {f.path: f.sha256 for f in ctx.packet.files}
    seen_file: dict[str, tuple[Party, Document]] = {}
    seen_img: dict[str, tuple[Party, Document, str, int]] = {}
    hashes: list[tuple[Party, Document, str, int, np.ndarray]] = []
    limit = th(ctx, "duplicate_dhash_max_distance")
    for p, d in holders:
        for file, idx in d.pages:
            sha = files.get(file)
            whole = len({f for f, _ in d.pages}) == 1 and sum(1 for q, e in holders if file in {f for f, _ in e.pages}) == 1
            if sha and whole:
                if sha in seen_file and seen_file[sha][0].key != p.key:
                    q, e = seen_file[sha]
                    hit(p, q, "file_sha256", d.kind, [doc_ev(d), doc_ev(e)])
                seen_file.setdefault(sha, (p, d))
            page = ctx.page(file, idx)
            if page is not None and page.image_sha256 and len(page.text.strip()) >= 20:  # blank backs match
                prev = seen_img.get(page.image_sha256)
                if prev and prev[0].key != p.key:
                    hit(p, prev[0], "image_sha256", d.kind, [EvidenceOut(file=file, page=idx),
                                                             EvidenceOut(file=prev[2], page=prev[3])])
                seen_img.setdefault(page.image_sha256, (p, d, file, idx))
            if d.kind in IMAGE_KINDS:
                img = _page_image(ctx, file, idx)
                h = dhash(img, th(ctx, "duplicate_dhash_grid")) if img is not None else None
                if h is None:
                    continue
                for q, e, f2, i2, h2 in hashes:
                    if q.key != p.key and d.kind == e.kind and int((h != h2).sum()) <= limit:
                        hit(p, q, "dhash", d.kind, [EvidenceOut(file=file, page=idx, text=KIND_CN.get(d.kind.value)),
                                                    EvidenceOut(file=f2, page=i2, text=KIND_CN.get(e.kind.value))])
                hashes.append((p, d, file, idx, h))
    # 5. statement / audit pages carrying the same set of figures
    figs: list[tuple[Party, Document, str, int, set[str]]] = []
    for p, d in holders:
        if d.kind not in FIGURE_KINDS:
            continue
        for file, idx in d.pages:
            page = ctx.page(file, idx)
            nums = amounts_on(page.text) if page is not None else set()
            if len(nums) < 8:
                continue
            for q, e, f2, i2, n2 in figs:
                if q.key != p.key and len(nums & n2) / len(nums | n2) >= 0.8:
                    hit(p, q, "same_figures_on_page", d.kind, [EvidenceOut(file=file, page=idx),
                                                               EvidenceOut(file=f2, page=i2)])
            figs.append((p, d, file, idx, nums))
    # 6. statements with identical extracted totals for two parties
    vals: dict[tuple, tuple[Party, Document]] = {}
    for p, d in holders:
        if d.kind != DocKind.financial_statements:
            continue
        a, b = to_number(d.value("total_assets")), to_number(d.value("total_liabilities_and_equity"))
        if a and b:
            prev = vals.get((a, b))
            if prev and prev[0].key != p.key:
                hit(p, prev[0], "same_figures", d.kind, [doc_ev(d), doc_ev(prev[1])])
            vals.setdefault((a, b), (p, d))
    for rec in pairs.values():
        a, b = rec["parties"]
        kinds = "、".join(KIND_CN.get(k, k) for k in sorted(rec["kinds"]))
        out.add("DUPLICATE_DOCUMENT", None, [],
                f"“{a.name}”与“{b.name}”提交了相同的{kinds}（同一图像或内容重复使用）",
                declared=a.name, found=b.name,
                detail={"parties": [x.uscc or x.name for x in (a, b)], "party_names": [a.name, b.name],
                        "doc_kinds": sorted(rec["kinds"]), "how": sorted(rec["why"])},
                extra_evidence=rec["ev"], packet_level=True)


def _survey(ctx: ReviewContext, out: Findings) -> None:
    docs = ctx.docs_of_kind(DocKind.survey_report)
    if not docs:
        return
    d = docs[0]
    rows = [r for r in d.rows if rval(r, "name")]
    fn, ft, fc = d.fields.get("n_enterprises"), d.fields.get("n_types"), d.fields.get("type_counts")
    n = to_number(fn.value) if fn is not None else None
    if n is None and rows:
        n = len(rows)
    counts = fc.value if fc is not None and isinstance(fc.value, dict) else None
    if counts is None and rows and all(rval(r, "type") for r in rows):  # 类型 column (龙头企业, 专精特新企业 …)
        counts = dict(Counter(str(rval(r, "type")).strip() for r in rows))
    types = to_number(ft.value) if ft is not None else None
    if types is None and counts is not None:
        types = len(counts)
    if n is None and types is None:
        return
    out.use(None, fn, ft, fc)
    problems = []
    t = rules_of(ctx)["thresholds"]
    if n is not None and n < t["survey_min_enterprises"]:
        problems.append(f"被调研企业{int(n)}家，少于{t['survey_min_enterprises']}家")
    if types is not None and types < t["survey_min_types"]:
        problems.append(f"企业类型{int(types)}种，少于{t['survey_min_types']}种")
    small = {k: v for k, v in (counts or {}).items() if to_number(v) is not None and to_number(v) < t["survey_min_per_type"]}
    if small:
        problems.append("、".join(f"“{k}”仅{int(to_number(v))}家" for k, v in small.items())
                        + f"，每类不少于{t['survey_min_per_type']}家")
    if problems:
        fields = [fn, ft, fc] + [r.get("name") for r in rows[:3]]
        out.add("SURVEY_TOO_SMALL", None, fields, "调研报告：" + "；".join(problems),
                declared=None, found={"enterprises": n, "types": types, "type_counts": counts},
                detail={"enterprises": n, "types": types, "type_counts": counts}, docs=[d], packet_level=True)


def check_integrity(ctx: ReviewContext) -> list[FindingOut]:
    out = Findings(ctx)
    _duplicates(ctx, out)
    _survey(ctx, out)
    return out.items
