"""Page-image preparation before OCR (OpenCV): orientation 0/90/180/270, deskew (±3°),
and red-ink (seal) suppression.

`rotation` is the number of degrees the rendered image was turned CLOCKWISE to make it
upright; `skew` the degrees it was then rotated (counter-clockwise positive) to level it.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_ROT = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass
class Prepared:
    upright: np.ndarray      # RGB, turned + deskewed, red ink kept (what seals look at)
    ocr_image: np.ndarray    # upright with seal-like red blobs whitened (what OCR reads)
    rotation: int            # degrees turned clockwise
    skew: float              # degrees rotated to level (CCW positive)


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn an image clockwise by 0/90/180/270 degrees."""
    degrees %= 360
    return image if degrees == 0 else cv2.rotate(image, _ROT[degrees])


def _binary(gray: np.ndarray) -> np.ndarray:
    _, b = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return b


def _faint_binary(gray: np.ndarray, below_paper: int = 40) -> np.ndarray:
    """Ink as everything clearly darker than the paper (its median grey): faint grey print on tinted paper
    next to black blocks (a licence's QR code), where Otsu's cut falls between the blocks and the paper."""
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    cut = max(otsu, float(np.median(gray)) - below_paper)
    return (gray < cut).astype(np.uint8) * 255


def _small_gray(rgb: np.ndarray, long_side: int = 1000) -> tuple[np.ndarray, float]:
    h, w = rgb.shape[:2]
    f = min(1.0, long_side / max(h, w))
    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return (cv2.resize(g, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else g), f


def _strip_rules(b: np.ndarray) -> np.ndarray:
    """Remove long ruling lines so only text remains."""
    h, w = b.shape
    hor = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 15), 1)))
    ver = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 15))))
    return cv2.subtract(b, cv2.bitwise_or(hor, ver))


def _line_boxes(b: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Horizontal text-line components (x, y, w, h) of a text-only binary image."""
    k = max(5, b.shape[1] // 80)
    d = cv2.dilate(b, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(d, connectivity=8)
    out = []
    for x, y, w, h, area in stats[1:]:
        if 4 <= h <= 45 and w >= 3 * h and area >= 0.25 * w * h:
            out.append((int(x), int(y), int(w), int(h)))
    return out


def _line_score(b: np.ndarray) -> float:
    return float(sum(w for _, _, w, _ in _line_boxes(b)))


def coarse_orientation(rgb: np.ndarray) -> int:
    """0 if text lines run horizontally, 90 if the page lies on its side (0/180 undecided)."""
    g, _ = _small_gray(rgb)
    b = _strip_rules(_binary(g))
    hs, vs = _line_score(b), _line_score(np.ascontiguousarray(b.T))
    return 90 if vs > 1.6 * hs and vs > 200 else 0


def _probe_crops(rgb: np.ndarray, n: int = 4) -> list[np.ndarray]:
    g, f = _small_gray(rgb)
    boxes = sorted(_line_boxes(_strip_rules(_binary(g))), key=lambda t: -t[2])
    boxes = [bx for bx in boxes if bx[2] >= 40][: n * 2][::2] or boxes[:n]
    crops = []
    for x, y, w, h in boxes[:n]:
        pad = 2
        x0, y0 = int((x - pad) / f), int((y - pad) / f)
        x1, y1 = int((x + min(w, 12 * h) + pad) / f), int((y + h + pad) / f)
        c = rgb[max(0, y0):y1, max(0, x0):x1]
        if c.size:
            crops.append(c)
    return crops


def upside_down(rgb: np.ndarray, ocr) -> bool:
    """Compare recognition scores of a few text-line probes read as-is and turned 180°."""
    crops = _probe_crops(rgb)
    if len(crops) < 2 or ocr is None:
        return False
    res = ocr.recognize_lines(crops + [np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    k = len(crops)
    up = sum(s * max(1, len(t)) for t, s in res[:k]) / max(1, sum(max(1, len(t)) for t, _ in res[:k]))
    dn = sum(s * max(1, len(t)) for t, s in res[k:]) / max(1, sum(max(1, len(t)) for t, _ in res[k:]))
    return dn > up + 0.08


def _crop_px(rgb: np.ndarray, f: float, x: int, y: int, w: int, h: int, pad: int = 2) -> np.ndarray:
    x0, y0 = max(0, int((x - pad) / f)), max(0, int((y - pad) / f))
    return rgb[y0:int((y + h + pad) / f), x0:int((x + w + pad) / f)]


FEW_LINES = 8      # text-line components under which a page's ink is looked for again, as faint print


def orientation_probes(rgb: np.ndarray, n: int = 3, chars: int = 10) -> dict[int, list[np.ndarray]]:
    """Text-line probes read as they would be after turning the page by 0/90/180/270 degrees clockwise.
    Horizontal line components stand for 0/180, vertical ones for 90/270 (each probe at most about
    `chars` characters long, so the check costs a few small recognitions). Red ink is dropped first:
    a seal's ring text reads well at any angle."""
    mask = red_mask(rgb[::2, ::2])
    if mask.any():
        rgb = rgb.copy()
        rgb[cv2.resize(cv2.dilate(mask, np.ones((3, 3), np.uint8)), (rgb.shape[1], rgb.shape[0]),
                       interpolation=cv2.INTER_NEAREST) > 0] = 255
    g, f = _small_gray(rgb)
    b = _strip_rules(_binary(g))
    rows = _line_boxes(b)
    if len(rows) < FEW_LINES:
        # faint print: Otsu kept only the black blocks (a QR code), whose pieces would be the probes
        faint = _strip_rules(_faint_binary(g))
        faint_rows = _line_boxes(faint)
        if len(faint_rows) > len(rows):
            b, rows = faint, faint_rows
    out: dict[int, list[np.ndarray]] = {0: [], 90: [], 180: [], 270: []}
    for x, y, w, h in sorted(rows, key=lambda t: -t[2])[:n]:
        c = _crop_px(rgb, f, x, y, min(w, chars * h), h)
        if c.size:
            out[0].append(c)
            out[180].append(np.ascontiguousarray(c[::-1, ::-1]))
    for x, y, w, h in sorted(_line_boxes(np.ascontiguousarray(b.T)), key=lambda t: -t[2])[:n]:
        c = _crop_px(rgb, f, y, x, h, min(w, chars * h))        # transposed box: back to image axes
        if c.size:
            out[90].append(np.ascontiguousarray(np.rot90(c, -1)))   # page turned 90 clockwise
            out[270].append(np.ascontiguousarray(np.rot90(c, 1)))
    return out


def _probe_score(res: list[tuple[str, float]]) -> float:
    """Characters read with confidence, summed: real text in the right direction reads long and sure;
    text on its side or upside down reads as a few unsure characters. Chinese characters count fully,
    others a quarter: digits (0, 1, 8, 6/9) and Latin read nearly as well upside down."""
    return float(sum(s * sum(1.0 if ord(ch) >= 0x2E80 else 0.25 for ch in t.strip()) for t, s in res if s >= 0.5))


def line_evidence(rgb: np.ndarray) -> tuple[float, float]:
    """Total width of horizontal and of vertical text-line components (1000-px working image)."""
    g, _ = _small_gray(rgb)
    b = _strip_rules(_binary(g))
    return _line_score(b), _line_score(np.ascontiguousarray(b.T))


SPARSE_BELOW = 1000.0     # line evidence (px) under which a page counts as sparse


def _cjk(text: str) -> int:
    return sum(1 for ch in text if ord(ch) >= 0x2E80)


def probe_rotation(rgb: np.ndarray, ocr) -> int:
    """0/90/180/270 from text-line probes read each way. The upright probes are read first: when they
    read many Chinese characters surely, the page is upright; otherwise six probes per direction are read
    and the best-reading turn wins (0 kept unless another reads clearly better)."""
    probes = orientation_probes(rgb)
    if probes[0]:
        res0 = ocr.recognize_lines(probes[0])
        n = sum(_cjk(t) for t, s in res0 if s >= 0.5)
        if n >= 15 and sum(s * len(t) for t, s in res0) >= 0.93 * sum(len(t) for t, _ in res0):
            # a page on its side also reads 'surely' across its columns (信担位项报位会位, one sideways
            # character per column): upright only when the probes read across the other way do worse
            across = ocr.recognize_lines(probes[90]) if probes[90] else []
            if _probe_score(across) <= _probe_score(res0):
                return 0
    probes = orientation_probes(rgb, n=6)
    score = {r: _probe_score(ocr.recognize_lines(probes[r])) if probes[r] else 0.0 for r in (0, 90, 180, 270)}
    best = max(score, key=lambda r: score[r])
    return best if score[best] > 1.25 * score[0] + 2 else 0


def detect_rotation(rgb: np.ndarray, ocr=None) -> int:
    """Clockwise degrees (0/90/180/270) that make the page upright.

    With a recogniser: text-line probes read each way (line statistics alone mislead: dense Chinese text
    lies in columns as much as in rows, and a sparse page has too few lines). Without one: line
    statistics (0/90 only)."""
    if ocr is not None:
        return probe_rotation(rgb, ocr)
    return coarse_orientation(rgb)


def is_sparse(rgb: np.ndarray) -> bool:
    return sum(line_evidence(rgb)) < SPARSE_BELOW


def estimate_skew(rgb: np.ndarray, max_deg: float = 3.0) -> float:
    """Angle (degrees, CCW positive) that levels the text, by projection-profile sharpness."""
    g, _ = _small_gray(rgb, 800)
    b = _binary(g).astype(np.float32)
    h, w = b.shape
    c = (w / 2, h / 2)

    def sharp(a: float) -> float:
        m = cv2.getRotationMatrix2D(c, a, 1.0)
        r = cv2.warpAffine(b, m, (w, h), flags=cv2.INTER_NEAREST)
        p = r.sum(axis=1)
        return float(np.square(np.diff(p)).sum())

    best = max(np.arange(-max_deg, max_deg + 1e-6, 0.5), key=sharp)
    best = max(np.arange(best - 0.4, best + 0.41, 0.1), key=sharp)
    return round(float(best), 2) if abs(best) >= 0.15 else 0.0


def deskew(rgb: np.ndarray, angle: float) -> np.ndarray:
    if not angle:
        return rgb
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red/vermilion ink (seal colour)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hh, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((hh <= 12) | (hh >= 155)) & (s >= 60) & (v >= 90)
    return red.astype(np.uint8) * 255


def _sparse_dark(rgb: np.ndarray, mask: np.ndarray, lab: np.ndarray, i: int, x: int, y: int, w: int, h: int) -> bool:
    """The blob's red pixels are few (< 5 % of its box) and dark (median R < 150): print, not a seal."""
    red = (lab[y:y + h, x:x + w] == i) & (mask[y:y + h, x:x + w] > 0)
    n = int(red.sum())
    return n < 0.05 * w * h and (n == 0 or float(np.median(rgb[y:y + h, x:x + w, 0][red])) < 150)


def suppress_red(rgb: np.ndarray, min_size: int = 60, all_red: bool = False) -> np.ndarray:
    """Remove seal-like red blobs (roughly square, >= min_size px) so black text under a seal
    reads cleanly. Long red text lines (红头 headings) are kept unless all_red; so is dark red-brown print
    sparse in its blob (a licence's frame and brown digits, red pixels < 5 % of the blob and darker than
    R 150 at their median: faded through the red channel, 2004 read 2001). Seal ink is bright (R ~180+), or
    dense in its ring."""
    mask = red_mask(rgb)
    if not mask.any():
        return rgb
    out = rgb.copy()
    if all_red:
        out[mask > 0] = 255
        return out
    small = rgb[::8, ::8].reshape(-1, 3)
    paper = np.median(small[small.sum(axis=1) > 600], axis=0) if (small.sum(axis=1) > 600).any() \
        else np.array([255, 255, 255])
    paper = paper.astype(np.float32)
    blob = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(blob, connectivity=8)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if max(w, h) >= min_size and 0.4 <= w / max(h, 1) <= 2.5 and not _sparse_dark(rgb, mask, lab, i, x, y, w, h):
            # inside a seal use the red channel: red ink is bright there, black text stays dark
            # (text strokes under the seal survive, unlike simply whitening red pixels)
            sub = lab[y:y + h, x:x + w] == i
            r = rgb[y:y + h, x:x + w, 0].astype(np.int32)
            g = np.clip((r - 40) * 255 // 130, 0, 255).astype(np.uint8)   # stretch: R>=170 -> white
            region = out[y:y + h, x:x + w]
            # scaled to the paper colour so the seal leaves no bright disk for detection to trip on
            region[sub] = (g[sub][:, None].astype(np.float32) * paper / 255).astype(np.uint8)
    return out


def prepare(rgb: np.ndarray, ocr=None, fix_rotation: bool = True, fix_skew: bool = True,
            red: bool = True, rotation: int | None = None) -> Prepared:
    """Turn upright, level, and whiten seals. `ocr` (an OcrEngine) reads the orientation probes;
    `rotation` (already decided) skips the detection."""
    rot = (rotation if rotation is not None else detect_rotation(rgb, ocr)) if fix_rotation else 0
    img = rotate(rgb, rot)
    skew = estimate_skew(img) if fix_skew else 0.0
    img = deskew(img, skew)
    return Prepared(upright=img, ocr_image=suppress_red(img) if red else img, rotation=rot, skew=skew)
