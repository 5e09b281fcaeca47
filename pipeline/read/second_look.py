"""Second look at doubtful OCR lines: from a finer rendering of the same scanned page, and under seals.

Scanned PDF pages are OCR'd at ReadOptions.dpi (150). Most generated and real scans hold 200-300 dpi
images: a line whose weakest character was read unsure (宇/字, 料/科) is read again from the page
rendered at the image's own resolution (capped), turned and levelled the same way. A doubtful line
under seal ink (a 表一 provider name under its seal: 德锦信息技术 read 德锦信亨技术) is also read from
its red channel stretched hard. The surest reading replaces the first when it is surer on average and
on its weakest character. A doubtful line is also read from its box widened by a margin: the detector's
box can end flush with the last stroke, and the code 91440784659715063C read ...0630 from its box (weakest
character 0.82) and ...063C from the box widened by a sixth of its height (0.998). That reading may only swap
characters, never add or drop one (a wider box can take in a ruling line or a neighbour's character).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable

import numpy as np

from pipeline.prep import deskew, rotate, suppress_red

DOUBT_MIN_CHAR = 0.85      # a line whose weakest character scored below this is read again
DOUBT_MEAN = 0.99          # cached lines without a weakest-character score: mean below this
MAX_DPI = 300
MIN_GAIN = 1.3             # the finer rendering must be at least this much finer to be worth it
MARGIN = 0.16              # a doubtful line's box widened by this share of its height on every side


def image_dpi(page) -> float | None:
    """Resolution of the largest image on a pypdfium2 page (pixels per inch of its placed size)."""
    best = None
    for o in page.get_objects():
        if o.type != 3:       # FPDF_PAGEOBJ_IMAGE
            continue
        try:
            pw, ph = o.get_px_size()
            x0, y0, x1, y1 = o.get_bounds()
        except Exception:
            continue
        w_in, h_in = abs(x1 - x0) / 72, abs(y1 - y0) / 72
        if w_in <= 0 or h_in <= 0:
            continue
        area = w_in * h_in
        if best is None or area > best[0]:
            best = (area, max(pw, ph) / max(w_in, h_in))
    return best[1] if best else None


def finer_dpi(page, dpi: int) -> int | None:
    """The dpi worth a second look for this page, or None when its image is no finer than `dpi`."""
    native = image_dpi(page)
    if native is None or native < dpi * MIN_GAIN:
        return None
    return int(min(native, MAX_DPI))


def under_red(crop: np.ndarray, lo: int = 110, hi: int = 200) -> np.ndarray:
    """Black text under red seal ink, from the red channel alone stretched hard: paper and seal ink
    (R >= ~200) go white, text strokes (also where the ink lies over them, R ~70-150) go dark."""
    g = np.clip((crop[..., 0].astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return np.dstack([g, g, g])


def _crop(img: np.ndarray, box, factor: float, margin: float = 0.0) -> np.ndarray:
    H, W = img.shape[:2]
    x0, y0, x1, y1 = (v * factor for v in box)
    if margin:
        d = margin * min(x1 - x0, y1 - y0)
        x0, y0, x1, y1 = x0 - d, y0 - d, x1 + d, y1 + d
    crop = img[max(0, int(y0)):min(H, int(np.ceil(y1))), max(0, int(x0)):min(W, int(np.ceil(x1)))]
    if crop.size and crop.shape[0] / max(crop.shape[1], 1) >= 1.5:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def second_look(payload: dict, mins: list[float | None], upright: Callable[[], np.ndarray],
                hires: Callable[[], np.ndarray] | None, factor: float, engine, red: bool) -> int:
    """Re-read doubtful boxes of `payload` (upright-frame pixels). Candidates per box: the finer rendering
    `hires()` (the page `factor` times finer, not yet turned) when there is one, and where seal ink lies on
    the line, its red channel stretched (under_red) from the upright image before red suppression. The
    surest candidate replaces the first reading when it is surer on average and on its weakest character.
    Changes payload in place; returns how many texts changed."""
    from pipeline.prep import red_mask
    boxes = payload["boxes"]
    doubt = [k for k, b in enumerate(boxes)
             if (mins[k] is not None and mins[k] < DOUBT_MIN_CHAR) or (mins[k] is None and b["score"] < DOUBT_MEAN)]
    if not doubt or not hasattr(engine, "read_lines_detail"):
        return 0
    base = upright()
    fine = fine_ocr = None
    if hires is not None:
        fine = deskew(rotate(hires(), payload["rotation"]), payload["skew"])
        fine_ocr = suppress_red(fine) if red else fine
    crops, owner, swap_only = [], [], []
    for k in doubt:
        if fine_ocr is not None:
            crops.append(_crop(fine_ocr, boxes[k]["box"], factor))
            owner.append(k)
            swap_only.append(False)
        plain = _crop(base, boxes[k]["box"], 1.0)
        inked = red and plain.size and (red_mask(plain) > 0).mean() >= 0.02
        if inked:
            src = _crop(fine, boxes[k]["box"], factor) if fine is not None else plain
            crops.append(under_red(src))
        else:       # no seal ink on the line: the plain page image is what was read, here with a margin
            crops.append(_crop(base, boxes[k]["box"], 1.0, MARGIN))
        owner.append(k)
        swap_only.append(not inked)
    best: dict[int, tuple[str, float, float]] = {}
    for k, swap, got in zip(owner, swap_only, engine.read_lines_detail(crops) if crops else []):
        if swap and len(got[0]) != len(boxes[k]["text"]):
            continue
        if got[0].strip() and (k not in best or (got[2], got[1]) > (best[k][2], best[k][1])):
            best[k] = got
    changed = 0
    for k, (text, score, weakest) in best.items():
        old = boxes[k]
        surer = weakest > mins[k] if mins[k] is not None else score > old["score"] + 0.01
        if score > old["score"] and surer and abs(len(text) - len(old["text"])) <= 2:
            if text != old["text"]:
                changed += 1
            old["text"], old["score"] = text, score
            mins[k] = weakest
    return changed


# ------------------------------------------------------------------ under seals on grey-scale scans
GREY_CUTS = (75, 100)       # grey levels above which a pixel counts as ink or paper: a dark scan's print lies
                            # under 75, a light scan's anti-aliased print reaches 100 (seal ink ~90-150)
GREY_LOOK_MIN_SCORE = 0.8   # a line read under a grey seal is taken only this sure


def under_grey(crop: np.ndarray, hi: int, lo: int = 20) -> np.ndarray:
    """Black print under grey seal ink: the grey level stretched so that the ink and the paper go white."""
    g = np.clip((crop[..., 0].astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)
    return np.dstack([g, g, g])


def _surest(engine, images: list[np.ndarray]) -> list:
    """The boxes of several readings of one crop: per place, the surest reading."""
    boxes = sorted((b for im in images for b in engine.recognize(im)), key=lambda b: -b.score)
    out: list = []
    for b in boxes:
        if not any(_overlap(b.box, o.box) > 0.5 or _overlap(o.box, b.box) > 0.5 for o in out):
            out.append(b)
    return out


def _overlap(a, b) -> float:
    """Share of box a's area inside box b."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area = max(1e-6, (a[2] - a[0]) * (a[3] - a[1]))
    return max(0.0, w) * max(0.0, h) / area


def look_under_grey_seals(page, upright: np.ndarray, scale: float, engine) -> int:
    """On a grey-scale scan the red-ink suppression cannot lift a seal off the print under it: the 承诺方 name
    and the 签署日期 under a grey seal go unread. Each round or oval seal's band (the seal's height, the
    line's full width) is read again with the ink stretched away; a line found there replaces the weaker,
    shorter readings it covers, or is added where nothing was read. Changes page.lines; returns the count."""
    from models.provenance import TextLine
    from pipeline.read.scan import simplified
    seals = [s for s in page.seals if s.shape in ("round", "oval") and not s.edge]
    if not seals or upright is None:
        return 0
    H, W = upright.shape[:2]
    changed = 0
    for s in seals:
        x0, y0, x1, y1 = s.bbox
        w = x1 - x0
        box = (max(0.0, x0 - 1.5 * w), max(0.0, y0), min(W / scale, x1 + 1.5 * w), min(H / scale, y1))
        crop = upright[int(box[1] * scale):int(np.ceil(box[3] * scale)), int(box[0] * scale):int(np.ceil(box[2] * scale))]
        if crop.size == 0:
            continue
        for b in _surest(engine, [np.ascontiguousarray(under_grey(crop, hi)) for hi in GREY_CUTS]):
            if b.score < GREY_LOOK_MIN_SCORE or not b.text.strip():
                continue
            bb = tuple(round(box[i % 2] + v / scale, 2) for i, v in enumerate(b.box))
            covered = [ln for ln in page.lines if _overlap(ln.bbox, bb) > 0.3 or _overlap(bb, ln.bbox) > 0.3]
            if covered and not all(ln.confidence < b.score and len(ln.text) < len(b.text) for ln in covered):
                continue
            lines = [ln for ln in page.lines if not any(ln is c for c in covered)]
            at = next((i for i, ln in enumerate(lines) if (ln.bbox[1], ln.bbox[0]) > (bb[1], bb[0])), len(lines))
            lines.insert(at, TextLine(text=simplified(b.text), bbox=bb, confidence=round(b.score, 4),
                                      engine=engine.name))
            page.lines = lines
            changed += 1
    return changed


# ------------------------------------------------------------------ a numeral wrapped alone onto the next line
CUT_RE = re.compile(r"[\d号]之$")                 # …167号之 | 一: the address's 之一 wrapped
TAIL_RE = re.compile(r"^[一二三四五六七八九十]{1,2}$")
TAIL_MIN_SCORE = 0.9


def read_wrapped_tails(payload: dict, ocr_image: np.ndarray, engine) -> int:
    """A line ending in 号之 whose numeral wrapped alone onto the next line: a lone 一 is a bare stroke that the
    page's text detector passes over. The place under the line's start is read on its own; a numeral read
    surely there is added as a box of the line's height. Changes payload["boxes"]; returns how many.
    (The engine's own detector passes over the lone stroke in a small window as well: its ink is found here.)"""
    boxes = payload["boxes"]
    if not hasattr(engine, "read_lines_detail"):
        return 0
    H, W = ocr_image.shape[:2]
    added = []
    for k, b in enumerate(boxes):
        if not CUT_RE.search(unicodedata.normalize("NFKC", b["text"]).replace(" ", "")):
            continue
        x0, y0, x1, y1 = b["box"]
        h = y1 - y0
        win = (max(0, int(x0 - 0.2 * h)), int(y1 + 0.2 * h), min(W, int(x0 + 3 * h)), min(H, int(y1 + 2.2 * h)))
        if win[3] - win[1] < h or any(_overlap(o["box"], win) > 0.3 for o in boxes if o is not b):
            continue                            # the next line was read (or the page ends)
        grey = ocr_image[win[1]:win[3], win[0]:win[2]].min(axis=2)
        ys, xs = np.nonzero(grey < np.median(grey) - 60)        # the ink in the window
        if len(xs) < 4:
            continue
        m = int(h / 2)
        ix0, iy0, ix1, iy1 = win[0] + xs.min(), win[1] + ys.min(), win[0] + xs.max() + 1, win[1] + ys.max() + 1
        crop = np.ascontiguousarray(ocr_image[max(0, iy0 - m):iy1 + m, max(0, ix0 - m):ix1 + m])
        text, score, _ = engine.read_lines_detail([crop])[0]
        if score >= TAIL_MIN_SCORE and TAIL_RE.match(text.strip()):
            cy = (iy0 + iy1) / 2
            added.append((k + 1, {"text": text.strip(), "score": float(score),
                                  "box": (float(ix0), cy - h / 2, float(ix1), cy + h / 2)}))
    for k, box in reversed(added):           # each just after the line it continues
        boxes.insert(k, box)
    return len(added)
