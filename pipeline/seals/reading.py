"""Read a seal: unwarp its ring with a polar transform and OCR the strip; read the
horizontal text under the star for the kind (财务专用章 …); tell a 与原件一致 stamp.

All OCR goes through the shared engine interface (pipeline.ocr.base.OcrEngine.recognize_lines).
"""
from __future__ import annotations

import math
import re
import unicodedata

import cv2
import numpy as np

from pipeline.seals.detector import GREY_PRINT, Candidate, is_grey

R0 = 160                    # the seal is resampled to a circle of this radius (pixels)
TEXT_BAND = (0.58, 0.95)    # the name on the ring lies between these fractions of the radius
GAP_BAND = (0.68, 0.90)     # where the gap after the name is looked for (inner code numbers excluded)
N_ANGLES = 1440             # angular samples of the polar image

KIND_WORDS = {               # horizontal text under the star -> kind
    "finance": ("财务", "务专", "财"),
    "contract": ("合同", "同专"),
    "invoice": ("发票", "票专", "票"),
}
AUTHORITY_RE = re.compile(r"(市场监督|监督管理|管理局|工商行政|行政管理|市场监管|税务局|发票监制)")
COPY_RE = re.compile(r"(原件|一致|相符|复印)")
SUFFIX_WORDS = re.compile(r"(公司|中心|管理局|合作社|事务所|委员会|门市部)")


def ink_image(rgb: np.ndarray) -> np.ndarray:
    """Seal ink dark on white, black print removed: 3-channel uint8 for the recogniser.

    Redness (r - max(g, b)) is stretched so the crop's strongest red is black; black and grey
    print have no redness and vanish, which keeps a seal over printed text legible."""
    r = rgb[..., 0].astype(np.float32)
    gb = np.maximum(rgb[..., 1], rgb[..., 2]).astype(np.float32)
    red = np.clip(r - gb, 0, None)
    if (red > 25).mean() < 0.002 and is_grey(rgb):
        # a grey-scale scan: the seal's mid-grey ink is kept, black print and its edges dropped
        g = rgb[..., 0].astype(np.float32)
        near_print = cv2.dilate((g < GREY_PRINT).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        ink = np.clip((175.0 - g) / 60.0, 0, 1)
        ink[near_print] = 0
        gray = (255 * (1 - ink)).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    top = float(np.percentile(red[red > 8], 95)) if (red > 8).sum() > 50 else 60.0
    ink = np.clip(red / max(top * 0.8, 20.0), 0, 1)
    gray = (255 * (1 - ink)).astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)


def _grey_plain(rgb: np.ndarray) -> np.ndarray:
    """A grey-scale seal for its small horizontal lines: the thin strokes of a 财务专用章 line blur to a light grey
    (~170-190 on paper at 240) that ink_image's cut drops, so ink is measured from the paper's own level;
    black print is dropped as there."""
    g = rgb[..., 0].astype(np.float32)
    paper = float(np.percentile(g, 90))
    near_print = cv2.dilate((g < GREY_PRINT).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    ink = np.clip((paper - 12 - g) / max(paper - 110.0, 40.0), 0, 1)
    ink[near_print] = 0
    return cv2.cvtColor((255 * (1 - ink)).astype(np.uint8), cv2.COLOR_GRAY2RGB)


def sharp_ink(rgb: np.ndarray) -> np.ndarray:
    """Seal ink dark on white from the green channel, where the red is only a gate: a JPEG keeps colour at
    half resolution, so redness (ink_image) blurs a small seal's strokes into blobs that read as nothing,
    while the green channel (red ink dark, paper light) keeps them sharp. Black print (red channel low) and
    anything away from red ink are dropped."""
    f = rgb.astype(np.float32)
    r, g = f[..., 0], f[..., 1]
    red = np.clip(r - np.maximum(g, f[..., 2]), 0, None)
    gate = cv2.dilate((red > 25).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    paper = float(np.percentile(g, 90)) - 10
    core = red > (float(np.percentile(red[red > 8], 60)) if (red > 8).sum() > 50 else 25.0)
    ink_level = float(np.percentile(g[core], 30)) if core.sum() > 50 else 80.0
    ink = np.clip((paper - g) / max(paper - ink_level, 30.0), 0, 1)
    ink[~gate | (r < 110)] = 0
    return cv2.cvtColor((255 * (1 - ink)).astype(np.uint8), cv2.COLOR_GRAY2RGB)


def warp(rgb: np.ndarray, c: Candidate) -> np.ndarray:
    """The page around the seal resampled so its outline is a circle of radius R0 centred in a (2.1 R0)² image
    (ovals stretched to a circle along their axes), colours as scanned."""
    size = int(2.1 * R0)
    ang = math.radians(c.angle)
    ca, sa = math.cos(ang), math.sin(ang)
    # map destination (circle) -> source (ellipse): p_src = C + R(ang) @ diag(ax, ay)/R0 @ (p_dst - c0)
    m = np.array([[ca, -sa], [sa, ca]]) @ np.diag([c.ax / R0, c.ay / R0])
    c0 = np.array([size / 2, size / 2])
    t = np.array([c.cx, c.cy]) - m @ c0
    inv = np.c_[m, t].astype(np.float32)
    return cv2.warpAffine(rgb, inv, (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


def normalise(rgb: np.ndarray, c: Candidate, plain: bool = False, sharp: bool = False,
              print_mask: bool = False) -> np.ndarray:
    """The seal resampled so its outline is a circle of radius R0 centred in a (2.1 R0)² image,
    as ink-on-white. Ovals are stretched to a circle along their axes. `sharp`: the ink from the green
    channel (sharp_ink) instead of from redness."""
    warped = warp(rgb, c)
    if plain:
        # for the small horizontal lines (财务专用章): unblurred, so thin strokes survive that the median
        # filter washes out
        if is_grey(warped):
            return _grey_plain(warped)
        g = np.where(warped[..., 0] >= 110, warped[..., 1], 255).astype(np.uint8)   # red ink dark, black print off
        return cv2.cvtColor(g, cv2.COLOR_GRAY2RGB)
    if sharp:
        return sharp_ink(warped)
    if print_mask:
        # black print: dark in the red channel too (seal ink is light there); on grey scans, darker than seal ink
        dark = warped[..., 0] < (GREY_PRINT if is_grey(warped) else 110)
        return cv2.cvtColor(np.where(dark, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
    return ink_image(cv2.medianBlur(warped, 3))      # JPEG / scan speckle off the strokes


def _gap_centers(density: np.ndarray, n_best: int = 2) -> list[int]:
    """Middles of the longest quiet runs around the circle (where the ring text ends), longest first."""
    n = len(density)
    k = max(3, n // 36)
    sm = np.convolve(np.r_[density[-k:], density, density[:k]], np.ones(2 * k + 1) / (2 * k + 1), "same")[k:-k]
    thr = max(0.02, 0.35 * float(np.median(sm)))
    low = sm <= thr
    if low.all() or not low.any():
        return [int(np.argmin(sm))]
    start = int(np.argmin(low))          # a position that is not low
    runs: list[tuple[int, int]] = []     # (length, start)
    run, run_start = 0, 0
    for i in range(n + 1):
        j = (start + i) % n
        if i < n and low[j]:
            if run == 0:
                run_start = j
            run += 1
        elif run:
            runs.append((run, run_start))
            run = 0
    runs.sort(reverse=True)
    return [(st + ln // 2) % n for ln, st in runs[:n_best]]


def ring_strips(norm: np.ndarray, band: tuple[float, float] = TEXT_BAND,
                gaps: list[float] | None = None) -> list[tuple[np.ndarray, float]]:
    """The ring text as one horizontal line (outer edge up, reading clockwise), starting at each
    of the two likeliest gaps (or at the given gap angles, quieter first), with the gap angle
    (degrees, image coordinates)."""
    polar = _polar(norm)
    r0, r1 = int(band[0] * R0), int(band[1] * R0)
    ring = polar[:, r0:r1]
    density = _density(polar)
    if gaps:
        k = N_ANGLES // 36
        idx = [int(g / 360.0 * N_ANGLES) % N_ANGLES for g in gaps]
        around = [float(np.take(density, range(i - k, i + k + 1), mode="wrap").mean()) for i in idx]
        found = [i for _, i in sorted(zip(around, idx))]
    else:
        found = _gap_centers(density)
    return [(_strip_at(ring, density, g, band), g * 360.0 / N_ANGLES) for g in found]


def _polar(norm: np.ndarray) -> np.ndarray:
    size = norm.shape[0]
    gray = cv2.cvtColor(norm, cv2.COLOR_RGB2GRAY)
    return cv2.warpPolar(gray, (R0, N_ANGLES), (size / 2, size / 2), R0,
                         cv2.WARP_POLAR_LINEAR | cv2.INTER_LINEAR)      # rows: angle, cols: radius


def _density(polar: np.ndarray) -> np.ndarray:
    g0, g1 = int(GAP_BAND[0] * R0), int(GAP_BAND[1] * R0)
    return (polar[:, g0:g1] < 128).mean(axis=1)


def print_cover(norm: np.ndarray, print_norm: np.ndarray, gap_deg: float, n_frames: int,
                band: tuple[float, float] = TEXT_BAND) -> list[float]:
    """For each of `n_frames` CTC frames of the ring strip cut at `gap_deg` from `norm`, the share of its
    column that black print covers (print_norm: the seal normalised the same way, print black): a glyph read
    there may be a glyph cut by the print, not a different one."""
    polar = _polar(print_norm)
    strip = _strip_at(polar[:, int(band[0] * R0):int(band[1] * R0)], _density(_polar(norm)),
                      round(gap_deg / 360.0 * N_ANGLES) % N_ANGLES, band)
    cols = (strip[..., 0] < 128).mean(axis=0)
    edges = np.linspace(0, len(cols), n_frames + 1).astype(int)
    return [round(float(cols[a:max(b, a + 1)].max()), 2) for a, b in zip(edges[:-1], edges[1:])]


def _strip_at(ring: np.ndarray, density: np.ndarray, g: int, band: tuple[float, float]) -> np.ndarray:
    ring = np.roll(ring, -g, axis=0)                 # start at the gap
    dens = np.roll(density, -g)
    on = np.where(np.convolve(dens > 0.03, np.ones(9), "same") > 0)[0]
    if len(on):
        a, b = max(0, on[0] - 12), min(N_ANGLES, on[-1] + 12)
        ring = ring[a:b]
    strip = cv2.flip(ring.T, 0)                      # x: angle (clockwise), y: radius, outer up
    # arc length at mid-band vs radial height: scale x so characters keep their aspect
    mid = (band[0] + band[1]) / 2 * R0
    width = max(8, int(strip.shape[1] * (2 * math.pi * mid / N_ANGLES)))
    strip = cv2.resize(strip, (width, strip.shape[0]), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(strip, cv2.COLOR_GRAY2RGB)


def upright(norm: np.ndarray, gap_deg: float) -> np.ndarray:
    """Turn the normalised seal so the ring gap (the bottom of the seal) is at the bottom."""
    size = norm.shape[0]
    rot = cv2.getRotationMatrix2D((size / 2, size / 2), gap_deg - 90.0, 1.0)
    return cv2.warpAffine(norm, rot, (size, size), borderValue=(255, 255, 255))


def center_lines(up: np.ndarray, oval: bool = False) -> list[np.ndarray]:
    """Horizontal text areas inside an upright seal: under the star, and the middle line (an
    invoice oval: 发票专用章 low, the taxpayer number across the middle)."""
    c = up.shape[0] / 2
    boxes = [(-0.62, 0.30, 0.62, 0.72), (-0.78, -0.14, 0.78, 0.30)] if oval else \
        [(-0.62, 0.14, 0.62, 0.62), (-0.72, -0.18, 0.72, 0.22)]
    out = []
    for x0, y0, x1, y1 in boxes:
        crop = up[int(c + y0 * R0):int(c + y1 * R0), int(c + x0 * R0):int(c + x1 * R0)]
        out.append(_tight(_stretch(crop)))
    return out


def _stretch(crop: np.ndarray) -> np.ndarray:
    """Pale thin print (a 发票专用章 line in a lighter ink than the ring) made as dark as the ring's."""
    if not crop.size:
        return crop
    g = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float32)
    lo = float(np.percentile(g, 2))
    if lo >= 235 or lo <= 20:
        return crop
    g = np.clip((g - lo) / (255.0 - lo) * 255.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(g, cv2.COLOR_GRAY2RGB)


def has_kind_line(up: np.ndarray) -> bool:
    """Ink in the band under the star (a 财务专用章 line): most company seals have none there,
    which saves reading it."""
    c = up.shape[0] / 2
    band = up[int(c + 0.30 * R0):int(c + 0.56 * R0), int(c - 0.45 * R0):int(c + 0.45 * R0)]
    return bool(band.size) and float((band[..., 0] < 200).mean()) > 0.02   # pale thin print counts


def _tight(crop: np.ndarray, pad: int = 6) -> np.ndarray:
    """Crop to the dark marks (the text line) with a little margin."""
    g = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) < 128
    rows, cols = np.where(g.any(1))[0], np.where(g.any(0))[0]
    if not len(rows):
        return crop
    y0, y1 = max(0, rows[0] - pad), min(crop.shape[0], rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(crop.shape[1], cols[-1] + pad + 1)
    return crop[y0:y1, x0:x1]


def clean_text(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s·.,，。:：;；'\"`~_\-—|/\\★☆*]+", "", s)


def strip_code(t: str) -> str:
    """Drop the anti-forgery code digits caught at either end of a ring reading (names have none),
    and undo a reading that started inside the name (…有限公司江门市… → 江门市…有限公司)."""
    core = re.sub(r"^[0-9A-Za-z]+|[0-9A-Za-z]+$", "", t)
    core = core if len(re.findall(r"[\u4e00-\u9fff]", core)) >= 4 else t
    m = None
    for m in SUFFIX_WORDS.finditer(core):
        pass
    if m is not None and 0 < m.end() < len(core):
        tail = core[m.end():]
        if len(tail) <= 2 or (len(tail) <= 9 and re.search(r"[市县区省]", tail)):
            core = tail + core[:m.end()]
    return core


def office_reading(ring_text: str | None) -> bool:
    """A registration or tax office's seal as read: its words, or a misread one that still ends in 局 or keeps
    市监 / 场监 / 监督 / 监管 with no trace of a company name (公, 司, 有限: '…兴类门有服公局' is a misread …阀门有限公司)."""
    t = ring_text or ""
    return bool(AUTHORITY_RE.search(t)) or (re.search(r"(市监|场监|监督|监管|督管|局$)", t) is not None
                                            and re.search(r"[公司]|有限", t) is None)


def kind_of(kind_text: str, ring_text: str) -> str:
    """company | finance | contract | invoice | authority from what was read."""
    if office_reading(ring_text):
        return "authority"     # no company name ends in 局; a misread 市场监督管理局 still does
    t = clean_text(kind_text)
    for kind, words in KIND_WORDS.items():
        if any(w in t for w in words[:2]):
            return kind
    if "专用" in t or t.endswith("章"):
        for kind, words in KIND_WORDS.items():
            if any(w in t for w in words[2:]):
                return kind
    return "company"


SHARP_FLOOR = 0.6            # a reading of the sharp ink under this is taken for noise, not a reading


def _ring_looks(rgb: np.ndarray, c: Candidate, norm: np.ndarray, gaps, grey: bool, unsure):
    """(ink image, strip, gap) to read, likeliest first: the ring from each likely start, then, while the
    reading is unsure (unsure()), the same from the sharp ink (not on grey scans, which have no red)."""
    for strip, gap in ring_strips(norm, gaps=gaps):
        yield norm, strip, gap
    if grey or not unsure():
        return
    sharp = normalise(rgb, c, sharp=True)
    for strip, gap in ring_strips(sharp, gaps=gaps):
        yield sharp, strip, gap


def read_round(rgb: np.ndarray, c: Candidate, engine, sure: float = 0.9, second: bool = False) -> dict:
    """Ring text, its confidence, the kind and the horizontal kind text of a round/oval seal.

    The ring is read from its likeliest start (the widest gap); only an unsure reading is read
    again from the second likeliest start, and then from the sharp ink (a JPEG's blurred redness). The
    horizontal lines are read in the same call."""
    from pipeline.seals import kind_line as K
    norm = first = normalise(rgb, c)
    n_center = 1 if c.shape == "round" else 2          # ovals (invoice seals) carry a middle line too
    best = None
    # an oval's bottom is at one end of its minor axis (in the normalised image: x when ax < ay)
    gaps = None if c.shape == "round" else ([0.0, 180.0] if c.ax < c.ay else [90.0, 270.0])
    plain = None
    looks: list[tuple[str, float]] = []                # every start's horizontal lines, read
    x0, y0, x1, y1 = (int(v) for v in c.bbox)
    grey = is_grey(rgb[max(0, y0):y1 + 1, max(0, x0):x1 + 1])   # its thin kind line is lost in `norm`
    for norm, strip, gap in _ring_looks(rgb, c, norm, gaps, grey, lambda: best is None or best[0] < sure):
        up = upright(norm, gap)
        center = []
        if c.shape != "round" or grey or has_kind_line(up):
            plain = normalise(rgb, c, plain=True) if plain is None else plain
            center = center_lines(upright(plain, gap), c.shape != "round")[:n_center]
        res = engine.recognize_lines([strip] + center)
        looks += res[1:]
        t, s = clean_text(res[0][0]), float(res[0][1])
        # a reading that starts or ends with code digits started at the wrong place
        score = s - 0.15 * bool(re.match(r"^\d|.*\d$", t))
        if norm is not first and score < SHARP_FLOOR:
            continue                                   # the sharp ink read nothing better than noise
        t = strip_code(t)
        if best is None or score > best[0]:
            best = (score, t, s, res[1:], strip, center)
            best_gap, best_norm = gap, norm
        if score >= sure:
            break
    _, text, conf, center, strip, crops = best
    kind_text = ""
    for (t, s), crop in zip(center, crops):
        t = clean_text(t)
        if s >= 0.5 and ("专用" in t or "章" in t or any(w in t for ws in KIND_WORDS.values() for w in ws[:2])):
            kind_text = t
            if kind_of(t, "") == "company":
                kind_text = K.by_ink(engine, crop) or t
            break
    if kind_of(kind_text, "") == "company":
        # the ring read best from a start that was not the seal's bottom (black print across the ring): a kind
        # line read surely under the star from another start tells the kind all the same
        kind_text = next((clean_text(t) for t, s in looks
                          if s >= 0.8 and "专用" in clean_text(t) and kind_of(t, "") != "company"), kind_text)
    if kind_of(kind_text, "") == "company" and plain is not None and c.shape == "round":
        kind_text = K.turned(engine, plain, best_gap) or kind_text
    if kind_of(kind_text, "") == "company" and plain is not None and c.shape == "round" and not grey:
        # a pale kind line crossed by a table rule or over grey print: its own rows, print filled in
        kind_text = K.in_band(engine, warp(rgb, c), best_gap) or kind_text
    frames = cover = None
    if text and conf < 0.999:
        from pipeline.seals.ctc import frame_posteriors, name_start
        frames = frame_posteriors(engine, strip)
        if frames:
            cover = print_cover(best_norm, normalise(rgb, c, print_mask=True), best_gap, len(frames))
            t = name_start(frames)
            frames, cover = frames[t:] + frames[:t], cover[t:] + cover[:t]
    sharp_frames = None
    if second and frames and not grey:
        from pipeline.seals.ctc import frame_posteriors, rotate_to_name
        twin = ring_strips(normalise(rgb, c, sharp=True), gaps=[best_gap])[0][0]
        sharp_frames = frame_posteriors(engine, twin)
        sharp_frames = rotate_to_name(sharp_frames) if sharp_frames else None
    return {"text": text or None, "text_confidence": conf, "kind_text": kind_text or None,
            "kind": kind_of(kind_text, text), "ring_ctc": frames, "ring_print": cover, "ring_ctc_sharp": sharp_frames}


def read_rect(rgb: np.ndarray, c: Candidate, engine) -> dict:
    """Text of a rectangular stamp (a 与原件一致 stamp is marked as such)."""
    w, h = c.ax * 2, c.ay * 2
    rot = cv2.getRotationMatrix2D((c.cx, c.cy), c.angle, 1.0)
    rot[:, 2] += np.array([w / 2 - c.cx, h / 2 - c.cy])
    crop = cv2.warpAffine(rgb, rot, (int(w), int(h)), borderValue=(255, 255, 255))
    crops = [ink_image(crop)]
    if crop.shape[0] > crop.shape[1]:
        crops = [np.ascontiguousarray(np.rot90(crops[0]))]
    t, s = engine.recognize_lines(crops)[0]
    t = clean_text(t)
    return {"text": t or None, "text_confidence": float(s), "kind_text": None,
            "is_copy_stamp": bool(COPY_RE.search(t)), "kind": "unknown"}
