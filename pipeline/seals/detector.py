"""Find red seals on a page image by colour and shape.

Red pixels (both HSV red hue ranges) are grouped into connected blobs. A blob is a seal when it
has the structure of one: a continuous outer ring (circle or ellipse, or a rectangle border)
*and* red marks inside it (ring text, star). A hand-drawn circle has the ring but an empty
inside; a gold seal is not red; red print (titles, table rules) has no ring.
Overlapping round seals are split with a Hough transform; a seal cut by the page edge is fitted
with a circle; thin red strips along an edge are 骑缝章 slices (edge = left/right/top/bottom).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.seals.candidate import Candidate
from pipeline.seals.stamps import edge_strips, inside_rect, rect_borders, rect_candidate

WORK_MAX_SIDE = 1100          # detection runs on an image no larger than this (pixels)
ANGLES = 180                  # samples around a ring


# (min red excess r - max(g, b), min HSV saturation): strong ink, then pale / dim ink
LEVELS = ((35, 50), (12, 20))


def red_mask(rgb: np.ndarray, level: int = 0) -> np.ndarray:
    """255 where a pixel is seal red (hue near 0/180, saturated, redder than green/blue).

    level 0 takes clear ink; level 1 also pale stamps (faint scans, dim phone photos)."""
    return red_masks(rgb)[level]


def red_masks(rgb: np.ndarray) -> list[np.ndarray]:
    """red_mask for every level, sharing the colour conversion."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    gb = np.maximum(rgb[..., 1], rgb[..., 2])
    excess = cv2.subtract(rgb[..., 0], gb)                       # saturating uint8 r - max(g, b)
    base = ((h <= 10) | (h >= 155)) & (v >= 60)
    return [(base & (s >= s_min) & (excess >= d_min)).astype(np.uint8) * 255 for d_min, s_min in LEVELS]


GREY_INK = (65, 150)           # grey levels of seal ink on a grey-scale scan
GREY_PRINT = 55               # darker than this: black print


def is_grey(rgb: np.ndarray) -> bool:
    """No pixel carries colour (a grey-scale scan), as pipeline.read.scan.is_grey tells it."""
    small = rgb[::4, ::4].astype(np.int16)
    return bool(np.percentile(small.max(axis=2) - small.min(axis=2), 99.9) < 12)


def grey_mask(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask, tone) of seal ink on a grey-scale page: mid-grey pixels not next to black print (the
    anti-aliased edges of black characters are mid grey too); tone is high near the ink's usual grey."""
    g = img[..., 0].astype(np.int16)
    near_print = cv2.dilate((g < GREY_PRINT).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    raw = ((g >= GREY_INK[0]) & (g <= GREY_INK[1]) & ~near_print).astype(np.uint8) * 255
    tone = np.clip(255 - 3 * np.abs(g - 100), 1, 255).astype(np.uint8)
    tone[raw == 0] = 0
    return raw, tone


def redness(rgb: np.ndarray) -> np.ndarray:
    """0..255 'how red' map: black/grey print scores 0, seal ink scores high."""
    excess = cv2.subtract(rgb[..., 0], np.maximum(rgb[..., 1], rgb[..., 2]))
    return cv2.add(excess, excess)


def _ring_stats(mask: np.ndarray, cx: float, cy: float, ax: float, ay: float, angle: float,
                t0: float = 0.0, t1: float = 2 * math.pi) -> tuple[float, float, int, float]:
    """(ring coverage, inner red density, inner marks, tone) of an ellipse on a red mask.

    The mask holds the redness of each red pixel (0 elsewhere); tone = median redness inside /
    median redness on the ring: ~1 for a seal (one ink), low for a red ring drawn around print.

    Coverage: share of sampled angles in [t0, t1) with red near the ellipse outline (0.86..1.08).
    Inner density: share of red pixels inside 0.78 of the ellipse (the part inside the image);
    inner marks: separate red blobs there (characters, star)."""
    h, w = mask.shape
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ts = np.linspace(t0, t1, ANGLES, endpoint=False)
    hit = np.zeros(ANGLES, bool)
    inside = np.zeros(ANGLES, bool)
    ring_vals = []
    for k in np.linspace(0.86, 1.08, 9):
        ex, ey = ax * k * np.cos(ts), ay * k * np.sin(ts)
        xs = (cx + ex * ca - ey * sa).round().astype(int)
        ys = (cy + ex * sa + ey * ca).round().astype(int)
        ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        inside |= ok
        vals = mask[ys[ok], xs[ok]]
        hit[ok] |= vals > 0
        ring_vals.append(vals[vals > 0])
    n = inside.sum()
    coverage = float(hit[inside].sum() / n) if n else 0.0
    ring_vals = np.concatenate(ring_vals)
    ring_tone = float(np.median(ring_vals)) if len(ring_vals) else 1.0
    # inner density and number of separate marks inside 0.78 of the ellipse
    x0, x1 = int(max(0, cx - ax)), int(min(w, cx + ax + 1))
    y0, y1 = int(max(0, cy - ay)), int(min(h, cy + ay + 1))
    if x1 <= x0 or y1 <= y0:
        return coverage, 0.0, 0, 0.0
    yy, xx = np.mgrid[y0:y1, x0:x1]
    dx, dy = xx - cx, yy - cy
    u, v = (dx * ca + dy * sa) / max(ax, 1), (-dx * sa + dy * ca) / max(ay, 1)
    inner = (u * u + v * v) < 0.78 ** 2
    if not inner.any():
        return coverage, 0.0, 0, 0.0
    sub = np.where(inner, mask[y0:y1, x0:x1], 0).astype(np.uint8)
    dens = float((sub[inner] > 0).mean())
    ink = sub[sub > 0]
    tone = float(np.median(ink)) / max(ring_tone, 1.0) if len(ink) else 0.0
    n, _, stats, _ = cv2.connectedComponentsWithStats((sub > 0).astype(np.uint8), connectivity=8)
    min_area = max(4.0, (0.02 * min(ax, ay)) ** 2)
    marks = int((stats[1:, cv2.CC_STAT_AREA] >= min_area).sum())
    return coverage, dens, marks, tone


def _outside(mask: np.ndarray, cx: float, cy: float, ax: float, ay: float, angle: float) -> float:
    """Share of angles with red just outside the outline (1.15..1.3): low for a free-standing ring."""
    return _band_cov(mask, cx, cy, ax, ay, angle, (1.15, 1.22, 1.3))


def _band_cov(mask: np.ndarray, cx: float, cy: float, ax: float, ay: float, angle: float,
              ks: tuple[float, ...]) -> float:
    """Share of angles with red on one of the scaled outlines `ks` (inside the image only)."""
    h, w = mask.shape
    ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ts = np.linspace(0, 2 * math.pi, ANGLES, endpoint=False)
    hit = np.zeros(ANGLES, bool)
    inside = np.zeros(ANGLES, bool)
    for k in ks:
        ex, ey = ax * k * np.cos(ts), ay * k * np.sin(ts)
        xs = (cx + ex * ca - ey * sa).round().astype(int)
        ys = (cy + ex * sa + ey * ca).round().astype(int)
        ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        inside |= ok
        hit[ok] |= mask[ys[ok], xs[ok]] > 0
    n = inside.sum()
    return float(hit[inside].sum() / n) if n else 0.0


def _robust_ellipse(pts: np.ndarray, iters: int = 4) -> tuple | None:
    """Fit an ellipse to outline points, dropping points far from it (text or rules touching the ring)."""
    pts = pts.astype(np.float32)
    for _ in range(iters):
        if len(pts) < 8:
            return None
        (cx, cy), (ew, eh), ang = cv2.fitEllipse(pts)
        if ew < 2 or eh < 2:
            return None
        ca, sa = math.cos(math.radians(ang)), math.sin(math.radians(ang))
        dx, dy = pts[:, 0] - cx, pts[:, 1] - cy
        u, v = (dx * ca + dy * sa) / (ew / 2), (-dx * sa + dy * ca) / (eh / 2)
        d = np.abs(np.sqrt(u * u + v * v) - 1)
        keep = d < max(0.06, float(np.percentile(d, 70)))
        if keep.all():
            break
        pts = pts[keep]
    return (cx, cy), (ew, eh), ang


def _remove_long_lines(mask: np.ndarray, length: int) -> np.ndarray:
    """Drop straight horizontal/vertical red rules (table frames of invoices)."""
    h, w = mask.shape
    small = cv2.resize(mask, (w // 2, h // 2), interpolation=cv2.INTER_AREA)   # at half size: 8x cheaper
    small = (small > 0).astype(np.uint8) * 255
    k = max(8, length // 2)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, k))
    lines = cv2.morphologyEx(small, cv2.MORPH_OPEN, hk) | cv2.morphologyEx(small, cv2.MORPH_OPEN, vk)
    if not lines.any():
        return mask
    lines = cv2.dilate(cv2.resize(lines, (w, h), interpolation=cv2.INTER_NEAREST), np.ones((3, 3), np.uint8))
    lines = cv2.bitwise_and(lines, mask)
    return cv2.bitwise_and(mask, cv2.bitwise_not(lines))


def _edge_of(bx: int, by: int, bw: int, bh: int, w: int, h: int, tol: int) -> str | None:
    sides = {"left": bx <= tol, "right": bx + bw >= w - tol, "top": by <= tol, "bottom": by + bh >= h - tol}
    hits = [k for k, v in sides.items() if v]
    return hits[0] if len(hits) == 1 else None


def _fit_circle(pts: np.ndarray) -> tuple[float, float, float, float]:
    """Least-squares circle (Kasa): cx, cy, r, rms residual."""
    x, y = pts[:, 0].astype(float), pts[:, 1].astype(float)
    a = np.c_[2 * x, 2 * y, np.ones_like(x)]
    b = x * x + y * y
    (cx, cy, c), *_ = np.linalg.lstsq(a, b, rcond=None)
    r = math.sqrt(max(c + cx * cx + cy * cy, 0.0))
    res = float(np.sqrt(np.mean((np.hypot(x - cx, y - cy) - r) ** 2)))
    return float(cx), float(cy), r, res


def _is_seal_ring(cov: float, inner: float, marks: int, tone: float) -> bool:
    """A continuous outline with text/star inside, in the ring's own ink: not an empty
    hand-drawn ring around black print, not a filled disc."""
    return cov >= 0.72 and 0.03 <= inner <= 0.6 and marks >= 4 and (tone >= 0.55 or (tone >= 0.35 and marks >= 10))


def detect(rgb: np.ndarray, keep: dict | None = None) -> list[Candidate]:
    """All seal candidates on an RGB page image, in full-image pixels. `keep` (optional) receives the clear-ink
    red mask as "red" when it was made at the image's own size (for the caller to use again)."""
    H, W = rgb.shape[:2]
    f = min(1.0, WORK_MAX_SIDE / max(H, W))
    img = cv2.resize(rgb, (round(W * f), round(H * f)), interpolation=cv2.INTER_AREA) if f < 1 else rgb
    found: list[Candidate] = []
    if is_grey(img):
        # a grey-scale scan: seal ink is mid grey (red prints at ~80-120), print is black; whole round and
        # oval seals only (table cells make rectangles, page edges make slices in grey)
        raw, tone = grey_mask(img)
        found = _detect_mask(raw, tone)
        if f < 1:
            # the mask made at full size as well: shrunk (and deskewed) print turns mid grey itself and may
            # join an oval seal's ring, while the shrunk page's mask keeps other seals whole
            raw, tone = grey_mask(rgb)
            raw = (cv2.resize(raw, img.shape[1::-1], interpolation=cv2.INTER_AREA) >= 128).astype(np.uint8) * 255
            tone = cv2.resize(tone, img.shape[1::-1], interpolation=cv2.INTER_AREA)
            tone[raw == 0] = 0
            found += _detect_mask(raw, tone)
        found = [c for c in _nms(found) if c.shape in ("round", "oval") and not c.edge]
        for c in found:
            c.score *= 0.8
    else:
        red = redness(img)
        min_ink = (0.02 * min(img.shape[:2])) ** 2          # too little red for any seal: stop early
        masks = red_masks(img)
        if keep is not None and f == 1:
            keep["red"] = masks[0]
        for level, raw in enumerate(masks):
            if cv2.countNonZero(raw) >= min_ink:
                for c in _detect_mask(raw, red):
                    if c.edge and level > 0:
                        continue    # pale red at a page edge is tinted paper (a pink scan's fill), not a 骑缝章
                    c.score *= 1.0 if level == 0 else 0.9
                    found.append(c)
    found = _nms(found)
    # an 'oval' that holds two round seals is their merged outline
    rounds = [c for c in found if c.shape == "round" and not c.edge]
    found = [c for c in found if c.shape != "oval" or sum(
        math.hypot(r.cx - c.cx, r.cy - c.cy) < max(c.ax, c.ay) for r in rounds) < 2]
    s = 1 / f
    return [Candidate(c.cx * s, c.cy * s, c.ax * s, c.ay * s, c.angle, c.shape, c.score,
                      tuple(v * s for v in c.bbox), c.edge, c.inner) for c in found]


def _detect_mask(raw: np.ndarray, red: np.ndarray) -> list[Candidate]:
    h, w = raw.shape
    short = min(h, w)
    kclose = max(3, int(round(short * 0.004)) | 1)
    mask = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kclose, kclose)))
    nolines = _remove_long_lines(mask, max(60, int(short * 0.35)))
    min_d = max(22, short * 0.045)          # smallest seal diameter considered (pixels)
    max_d = short * 1.02
    out: list[Candidate] = []

    add = out.append

    # 1) rectangular stamps on the mask before line removal
    taken = np.zeros_like(mask)
    for cnt in cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]:
        rect = rect_candidate(mask, cnt, min_d, short)      # (a stamp may sit inside a red frame)
        if rect is not None and not any(inside_rect(k, rect) for k in out):
            add(rect)
            cv2.drawContours(taken, [cnt], -1, 255, -1)
    work = cv2.bitwise_and(nolines, cv2.bitwise_not(taken))
    work = np.where(work > 0, np.maximum(red, 1), 0).astype(np.uint8)   # keep each pixel's redness

    # 2) round / oval seals and edge slices
    blob = cv2.dilate(work, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kclose * 2 + 1,) * 2))
    for cnt in cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        bx, by, bw, bh = cv2.boundingRect(cnt)
        if max(bw, bh) < min_d * 0.5 or max(bw, bh) > max_d * 2.2 or len(cnt) < 8:
            continue
        edge = _edge_of(bx, by, bw, bh, w, h, 3)
        if edge and min(bw, bh) < min_d * 0.95:
            continue                        # thin edge pieces: see edge_strips
        if min(bw, bh) < min_d:
            continue
        c = _ellipse_candidate(work, cnt, bw, bh, edge, max_d, robust=False)
        if c and c.shape == "oval":
            # two overlapping round seals also make an oval-like blob: prefer two exact circles
            pair = _hough_candidates(work, bx, by, bw, bh, min_d, max_d)
            if len(pair) >= 2:
                out.extend(pair)
                continue
        if c:
            add(c)
            continue
        if edge:
            c = _slice_candidate(work, cnt, edge, w, h, min_d, max_d)
            if c:
                add(c)
                continue
        hough = _hough_candidates(work, bx, by, bw, bh, min_d, max_d)
        out.extend(hough)
        if not hough:
            c = _ellipse_candidate(work, cnt, bw, bh, edge, max_d, robust=True)
            if c:
                add(c)
            else:
                out.extend(_without_rect_stamp(work, cnt, bx, by, bw, bh, w, h, min_d, max_d))
    # 3) a rectangular stamp overlapping a round seal: look again with the round seals erased
    if any(c.shape != "rect" for c in out):
        left = mask.copy()
        for c in out:
            if c.shape != "rect":
                cv2.ellipse(left, ((c.cx, c.cy), (c.ax * 2.12, c.ay * 2.12), c.angle), 0, -1)
        for cnt in cv2.findContours(left, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]:
            rect = rect_candidate(left, cnt, min_d, short, fill=0.7)
            if rect is None or any(inside_rect(k, rect) for k in out if k.shape == "rect"):
                continue
            # only a stamp touching a round seal (the case the first pass cannot see)
            x0, y0, x1, y1 = rect.bbox
            if any(x0 - 2 <= c.cx + c.ax and c.cx - c.ax <= x1 + 2 and y0 - 2 <= c.cy + c.ay
                   and c.cy - c.ay <= y1 + 2 for c in out if c.shape != "rect"):
                add(rect)
    rest = work.copy()                      # edge strips: ink not explained by a whole seal
    for c in out:
        cv2.ellipse(rest, ((c.cx, c.cy), (c.ax * 2.3, c.ay * 2.3), c.angle), 0, -1)
    out.extend(edge_strips(rest, min_d))
    return out


def _without_rect_stamp(work, cnt, bx, by, bw, bh, w, h, min_d, max_d) -> list[Candidate]:
    """A seal fused with a rectangular stamp (与原件一致 touching its ring): erase the stamp's
    box and look at what is left of the blob as a seal of its own."""
    sub = np.zeros_like(work)
    cv2.drawContours(sub, [cnt], -1, 255, -1)
    sub = cv2.bitwise_and(work, sub)
    boxes = rect_borders(sub[by:by + bh, bx:bx + bw], min_d)
    if not boxes:
        return []
    for x0, y0, x1, y1 in boxes:
        sub[max(0, by + y0 - 2):by + y1 + 2, max(0, bx + x0 - 2):bx + x1 + 2] = 0
    k = max(3, int(round(min(h, w) * 0.004)) | 1)
    blob = cv2.dilate(sub, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k * 2 + 1,) * 2))
    out = []
    for c2 in cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        x, y, cw, ch = cv2.boundingRect(c2)
        if min(cw, ch) < min_d or len(c2) < 8:
            continue
        c = _ellipse_candidate(sub, c2, cw, ch, _edge_of(x, y, cw, ch, w, h, 3), max_d, robust=False)
        if c is not None:
            out.append(c)
    return out


def _ellipse_candidate(mask, cnt, bw, bh, edge, max_d, robust: bool) -> Candidate | None:
    """One round/oval seal: the blob's hull is an ellipse, or (robust fit) its outline mostly is."""
    hull = cv2.convexHull(cnt)
    if len(hull) < 5:
        return None
    fits = []
    if not robust:
        (cx, cy), (ew, eh), ang = cv2.fitEllipse(hull)
        if ew > 1 and eh > 1 and 0.85 <= cv2.contourArea(hull) / (math.pi * ew * eh / 4) <= 1.12:
            fits.append(((cx, cy), (ew, eh), ang, False))
    else:
        rob = _robust_ellipse(cnt.reshape(-1, 2))
        if rob is not None:
            fits.append((*rob, True))
    for (cx, cy), (ew, eh), ang, robust in fits:
        ax, ay = ew / 2, eh / 2
        if max(ax, ay) * 2 > max_d * 1.1 or min(ax, ay) * 2 < max_d * 0.04:
            continue
        ratio = max(ax, ay) / min(ax, ay)
        if ratio > (1.6 if robust else 1.9):
            continue
        # measure on a slightly shrunken ellipse: the dilated blob is a bit larger than the ink
        cov, inner, marks, tone = _ring_stats(mask, cx, cy, ax * 0.985, ay * 0.985, ang)
        if not _is_seal_ring(cov, inner, marks, tone) or (robust and cov < 0.85):
            continue
        out = _outside(mask, cx, cy, ax, ay, ang)
        if out > (0.45 if robust else 0.6):
            continue
        shape = "round" if ratio < 1.12 else "oval"
        x0, y0 = max(0.0, cx - max(ax, ay)), max(0.0, cy - max(ax, ay))
        if robust:
            bbox = _ellipse_bbox(cx, cy, ax, ay, ang, mask.shape)
        else:
            x, y, w2, h2 = cv2.boundingRect(cnt)
            bbox = (x, y, x + w2, y + h2)
        score = min(1.0, 0.4 + 0.6 * cov) * (1.0 if inner >= 0.06 else 0.8) * (0.9 if robust else 1.0)
        return Candidate(cx, cy, ax, ay, ang, shape, score, bbox, edge, inner)
    return None


def _ellipse_bbox(cx, cy, ax, ay, ang, shape) -> tuple[float, float, float, float]:
    t = math.radians(ang)
    hw = math.sqrt((ax * math.cos(t)) ** 2 + (ay * math.sin(t)) ** 2)
    hh = math.sqrt((ax * math.sin(t)) ** 2 + (ay * math.cos(t)) ** 2)
    h, w = shape
    return (max(0.0, cx - hw), max(0.0, cy - hh), min(float(w), cx + hw), min(float(h), cy + hh))


def _hough_candidates(mask, bx, by, bw, bh, min_d, max_d) -> list[Candidate]:
    """Round seals inside a blob that is not one ellipse (overlapping seals, seal + rule)."""
    pad = 4
    H, W = mask.shape
    x0, y0 = max(0, bx - pad), max(0, by - pad)
    sub = mask[y0:min(H, by + bh + pad), x0:min(W, bx + bw + pad)]
    if sub.size == 0:
        return []
    blur = cv2.GaussianBlur((sub > 0).astype(np.uint8) * 255, (5, 5), 1.5)
    rmin, rmax = int(min_d / 2), int(min(max_d / 2, max(bw, bh) / 2 + 2))
    if rmax <= rmin:
        return []
    circles = cv2.HoughCircles(blur, cv2.HOUGH_GRADIENT_ALT, dp=1.5, minDist=rmin,
                               param1=150, param2=0.6, minRadius=rmin, maxRadius=rmax)
    out: list[Candidate] = []
    if circles is None:
        return out
    for cx, cy, r in circles[0]:
        cx, cy = cx + x0, cy + y0
        cov, inner, marks, tone = _ring_stats(mask, cx, cy, r, r, 0)
        if not _is_seal_ring(cov, inner, marks, tone) or cov < 0.75 or _outside(mask, cx, cy, r, r, 0) > 0.5:
            continue
        if _band_cov(mask, cx, cy, r, r, 0, (0.94, 0.97, 1.0, 1.03)) < 0.85:   # the ring is exactly there
            continue
        out.append(Candidate(cx, cy, r, r, 0, "round", min(1.0, 0.35 + 0.6 * cov),
                             (max(0, cx - r), max(0, cy - r), min(W, cx + r), min(H, cy + r)), None, inner))
    return out


def _slice_candidate(mask, cnt, edge, w, h, min_d, max_d) -> Candidate | None:
    """A seal cut by the page edge: fit a circle to the outline away from the edge."""
    pts = cnt.reshape(-1, 2)
    keep = {"left": pts[:, 0] > 4, "right": pts[:, 0] < w - 5,
            "top": pts[:, 1] > 4, "bottom": pts[:, 1] < h - 5}[edge]
    arc = pts[keep]
    if len(arc) < 6:
        return None
    cx, cy, r, res = _fit_circle(arc)
    if not (min_d / 2 <= r <= max_d / 2) or res > 0.08 * r:
        return None
    # the visible part of the circle (angles whose outline point lies in the image)
    cov, inner, marks, tone = _ring_stats(mask, cx, cy, r * 0.985, r * 0.985, 0)
    visible = (max(0, cx - r), max(0, cy - r), min(w, cx + r), min(h, cy + r))
    vis_w, vis_h = visible[2] - visible[0], visible[3] - visible[1]
    if min(vis_w, vis_h) < 0.12 * r:
        return None
    if cov < 0.7 or not 0.03 <= inner <= 0.65 or marks < 2 or tone < 0.35:
        return None
    x, y, bw, bh = cv2.boundingRect(cnt)
    return Candidate(cx, cy, r, r, 0, "round", min(1.0, 0.3 + 0.6 * cov), (x, y, x + bw, y + bh), edge, inner)


def _nms(cands: list[Candidate]) -> list[Candidate]:
    """Drop duplicates (same outline found twice) and candidates nested in a clearly larger one
    (an oval holds smaller circles; a seal's text holds spurious ones). Overlapping seals of
    similar size, even heavily overlapping, are both kept: each passed the ring test itself."""
    def conflict(small: Candidate, big: Candidate) -> bool:
        d = math.hypot(small.cx - big.cx, small.cy - big.cy)
        rs, rb = max(small.ax, small.ay), min(big.ax, big.ay)
        if d < 0.3 * min(rs, rb):
            return True
        return d < 0.75 * rb and math.sqrt(small.ax * small.ay) < 0.8 * math.sqrt(big.ax * big.ay)
    kept: list[Candidate] = []
    for c in sorted((c for c in cands if not c.edge), key=lambda c: (-c.ax * c.ay, -c.score)):
        if any(conflict(c, k) for k in kept):
            continue
        kept.append(c)
    # edge slices: not where a whole seal is, one per place
    for c in sorted((c for c in cands if c.edge), key=lambda c: -c.score):
        x0, y0, x1, y1 = c.bbox
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if any(abs(mx - k.cx) < 1.15 * k.ax + 0.5 * (x1 - x0) and abs(my - k.cy) < 1.15 * k.ay + 0.5 * (y1 - y0)
               and (k.edge is None or k.edge == c.edge) for k in kept):
            continue
        kept.append(c)
    return kept
