"""OCR one page image: prepare (turn, level, whiten seals), recognise, find ruled tables.
Results are cached by the image's sha256 and the engine name."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np

from models.provenance import Cell, Page, Table, TextLine
from pipeline.ocr.base import OcrBox
from pipeline.prep import Prepared, deskew, is_sparse, prepare, rotate
from pipeline.read.cache import STATS, OcrCache, image_sha256
from pipeline.read.options import ReadOptions
from pipeline.read.second_look import read_wrapped_tails, second_look


def _scale_table(t: Table, f: float) -> Table:
    s = lambda b: tuple(round(v * f, 2) for v in b)  # noqa: E731
    return Table(bbox=s(t.bbox), n_rows=t.n_rows, n_cols=t.n_cols, engine=t.engine,
                 cells=[Cell(**{**c.model_dump(), "bbox": s(c.bbox), "text": simplified(c.text)}) for c in t.cells])


_T2S = None


def simplified(text: str) -> str:
    """OCR text in simplified characters. The recogniser's dictionary holds traditional forms too and now
    and then reads a simplified glyph as its traditional twin (江門市騰昌…), which splits a document from its
    cover and spoils names; OpenCC t2s (phrase-aware, leaves simplified text alone) folds them back."""
    global _T2S
    if not text or text.isascii():
        return text
    if _T2S is None:
        import opencc
        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text)


# Orientation from recognition probes (pipeline.prep.detect_rotation); a page that still reads this badly
# is also read turned 180° as a last resort (a second OCR, so only for very poor reads).
FLIP_BELOW = 0.6


def read_quality(boxes: list[OcrBox]) -> float:
    """Character-weighted mean recognition score; 0 when there is next to no text."""
    n = sum(len(b.text) for b in boxes)
    if n < 8:
        return 1.0          # blank or nearly blank: nothing to decide
    return sum(b.score * len(b.text) for b in boxes) / n


def sideways(boxes: list[OcrBox]) -> bool:
    """Most of the text lies in tall boxes: the page is on its side though the probes found it upright
    (the recogniser still reads each tall box turned, so the words come out right and the layout wrong)."""
    long = [b for b in boxes if len(b.text) >= 3]
    n = sum(len(b.text) for b in long)
    tall = sum(len(b.text) for b in long if b.box[3] - b.box[1] >= 1.5 * (b.box[2] - b.box[0]))
    return n >= 20 and tall >= 0.6 * n


def _recognize(engine, image: np.ndarray) -> tuple[list[OcrBox], list[float | None]]:
    """Boxes and, where the engine gives it, each box's weakest character score."""
    if hasattr(engine, "recognize_detail"):
        got = engine.recognize_detail(image)
        return [b for b, _ in got], [m for _, m in got]
    boxes = engine.recognize(image)
    return boxes, [None] * len(boxes)


def _tables(image: np.ndarray, payload: dict, options: ReadOptions) -> list[dict]:
    if not options.tables:
        return []
    from pipeline.tables import find_tables
    return [t.model_dump() for t in find_tables(image, [OcrBox(**b) for b in payload["boxes"]], 1.0)]


def ocr_payload(rgb: np.ndarray, engine, options: ReadOptions, rotation: int | None = None,
                hires: Callable[[], np.ndarray] | None = None, factor: float = 1.0) -> tuple[dict, Prepared]:
    """Run prep + OCR + tables on a page image; everything in pixels of the upright frame.
    `hires` renders the same page `factor` times finer, for a second look at doubtful lines."""
    t0 = time.perf_counter()
    prep = prepare(rgb, engine, fix_rotation=options.fix_rotation, fix_skew=options.fix_skew,
                   red=options.suppress_red, rotation=rotation)
    boxes, mins = _recognize(engine, prep.ocr_image)
    if options.fix_rotation and read_quality(boxes) < FLIP_BELOW and not is_sparse(rgb):
        turned = rotate(prep.ocr_image, 180)
        boxes2, mins2 = _recognize(engine, turned)
        if read_quality(boxes2) > read_quality(boxes) + 0.05:
            prep = Prepared(upright=rotate(prep.upright, 180), ocr_image=turned,
                            rotation=(prep.rotation + 180) % 360, skew=prep.skew)
            boxes, mins = boxes2, mins2
    if options.fix_rotation and sideways(boxes):
        # tall boxes are read turned a quarter anticlockwise, so text reading right there runs downwards:
        # the page is turned a quarter clockwise (270 puts it upright); 90 is the fallback
        for turn in (270, 90):
            prep2 = prepare(rgb, engine, fix_rotation=True, fix_skew=options.fix_skew, red=options.suppress_red,
                            rotation=(prep.rotation + turn) % 360)
            boxes2, mins2 = _recognize(engine, prep2.ocr_image)
            if not sideways(boxes2) and read_quality(boxes2) >= read_quality(boxes) - 0.02:
                prep, boxes, mins = prep2, boxes2, mins2
                break
    h, w = prep.upright.shape[:2]
    payload = {"rotation": prep.rotation, "skew": prep.skew, "width": w, "height": h,
               "boxes": [b.model_dump() for b in boxes]}
    if options.second_look:
        payload["second_look"] = second_look(payload, mins, lambda: prep.upright, hires, factor, engine,
                                           options.suppress_red)
    read_wrapped_tails(payload, prep.ocr_image, engine)
    payload["tables"] = _tables(prep.ocr_image, payload, options)
    STATS.ocr_calls += 1
    STATS.ocr_seconds += time.perf_counter() - t0
    return payload, prep


CACHE_VERSION = 4     # 4: red-brown print is no longer faded as seal ink (prep.suppress_red)


def cache_key(engine, options: ReadOptions) -> str:
    """Engine name plus the options that change the cached result (and a format version)."""
    flags = "".join(str(int(v)) for v in (options.fix_rotation, options.fix_skew, options.suppress_red, options.tables))
    return f"{engine.name}|{flags}|v{CACHE_VERSION}" + ("" if options.second_look else "|nolook")


def is_grey(rgb: np.ndarray) -> bool:
    """No pixel carries colour (every channel within a few levels of the others): a grey-scale scan."""
    small = rgb[::4, ::4].astype(np.int16)
    return bool(np.percentile(small.max(axis=2) - small.min(axis=2), 99.9) < 12)


def ocr_page(rgb: np.ndarray, file: str, index: int, scale: float, engine, options: ReadOptions,
             cache: OcrCache | None = None, want_upright: bool = False,
             hires: Callable[[], np.ndarray] | None = None, factor: float = 1.0) -> tuple[Page, np.ndarray | None]:
    """A Page (points = pixels / scale) from a rendered page image, and the upright image
    before red suppression (when asked for, e.g. for seal detection). `hires` (the page rendered
    `factor` times finer) gives doubtful lines a second look."""
    sha = image_sha256(rgb)
    payload = cache.get(sha, cache_key(engine, options)) if cache is not None else None
    upright = None
    if payload is not None:
        STATS.cache_hits += 1
        if want_upright:
            upright = deskew(rotate(rgb, payload["rotation"]), payload["skew"])
    else:
        payload, prep = ocr_payload(rgb, engine, options, hires=hires, factor=factor)
        upright = prep.upright
        if cache:
            cache.put(sha, cache_key(engine, options), payload)
    f = 1.0 / scale
    lines = []
    for b in (OcrBox(**x) for x in payload["boxes"]):
        lines.append(TextLine(text=simplified(b.text), bbox=tuple(round(v * f, 2) for v in b.box),
                              confidence=round(b.score, 4), engine=engine.name))
    tables = [_scale_table(Table(**t), f) for t in payload["tables"]]
    page = Page(file=file, index=index, width=round(payload["width"] * f, 2), height=round(payload["height"] * f, 2),
                text_layer=False, ocr=True, rotation=payload["rotation"], skew=payload["skew"],
                image_sha256=sha, lines=lines, tables=tables, grey=is_grey(rgb))
    return page, upright


__all__ = ["ocr_page", "ocr_payload", "read_quality", "cache_key"]
