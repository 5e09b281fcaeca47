"""The kind line under a seal's star (财务专用章 / 合同专用章 / 发票专用章) when the plain reading of it failed.

A kind line is small, thin and often paler than the ring. On a scan it is easily lost: to a table rule
that crosses it, to the printed text under the seal, or to a misjudged turn of the seal. These readers
try again, each deciding among the three kind lines by their CTC scores on the ink
(pipeline.seals.ctc), never by a guess: None leaves the seal a company seal.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.seals.reading import R0, center_lines, clean_text, kind_of, upright, _stretch

KIND_LINES = ("财务专用章", "合同专用章", "发票专用章")
BAND = (0.28, 0.64)      # rows under the star (fractions of R0) where the kind line lies
INK_ROW = 0.05           # share of a row's middle that red ink must cover to belong to the line
FLOOR = -15.0            # a kind line must fit the band's ink at least this well (name_logp)


def by_ink(engine, crop: np.ndarray, margin: float = 3.0, floor: float | None = None) -> str | None:
    """The one of the three kind lines whose CTC score on `crop` is clearly the best (欢费专用 read for
    发票专用章), and at least `floor` when given, else None."""
    from pipeline.seals.ctc import frame_posteriors, name_logps
    frames = frame_posteriors(engine, crop)
    if not frames:
        return None
    scored = sorted(zip(name_logps(frames, list(KIND_LINES)), KIND_LINES), reverse=True)
    if floor is not None and scored[0][0] < floor:
        return None
    return scored[0][1] if scored[0][0] >= scored[1][0] + margin else None


def turned(engine, plain: np.ndarray, gap: float) -> str | None:
    """The kind line when the ring gap misjudged the seal's turn (a tilted line reads as garbage): the
    area under the star read at a few turns; a line naming a kind, read surely, wins."""
    crops = [center_lines(upright(plain, gap + d))[0] for d in (-40, -20, 20, 40)]
    best = None
    for (t, s), crop in zip(engine.recognize_lines(crops), crops):
        t = clean_text(t)
        if s >= 0.6 and "专用" in t and (best is None or s > best[1]):
            best = (t, s, crop)
    if best is None:
        return None
    return best[0] if kind_of(best[0], "") != "company" else by_ink(engine, best[2])


def band_crop(warped: np.ndarray, gap: float) -> np.ndarray | None:
    """Just the kind line of a colour seal (warped by reading.warp), or None when no red line lies under
    the star. Its rows are where red ink runs across the middle; print is removed by the red channel, with
    a cut set by this seal's own ink (a pale line over grey print needs a higher cut than the usual 110),
    and filled in from around (a table rule across the line leaves no white gap through its strokes)."""
    f = warped.astype(np.float32)
    red = f[..., 0] - np.maximum(f[..., 1], f[..., 2])
    ink_r = f[..., 0][red > 25]
    cut = min(float(np.percentile(ink_r, 5)) - 10, 200.0) if ink_r.size > 50 else 110.0
    prn = cv2.dilate((warped[..., 0] < cut).astype(np.uint8), np.ones((3, 3), np.uint8))
    green = cv2.inpaint(np.ascontiguousarray(warped[..., 1]), prn, 3, cv2.INPAINT_TELEA)
    c = warped.shape[0] / 2
    y0, y1 = int(c + BAND[0] * R0), int(c + BAND[1] * R0)
    u = upright(warped, gap).astype(np.float32)
    red_up = u[..., 0] - np.maximum(u[..., 1], u[..., 2])
    rows = (red_up[y0:y1, int(c - 0.5 * R0):int(c + 0.5 * R0)] > 25).mean(axis=1)
    if not rows.size or rows.max() < INK_ROW:
        return None
    a = b = int(rows.argmax())
    while a > 0 and rows[a - 1] > 0.02:
        a -= 1
    while b < len(rows) - 1 and rows[b + 1] > 0.02:
        b += 1
    line = upright(cv2.cvtColor(green, cv2.COLOR_GRAY2RGB), gap)
    return _stretch(line[max(0, y0 + a - 4):y0 + b + 5, int(c - 0.6 * R0):int(c + 0.6 * R0)])


def in_band(engine, warped: np.ndarray, gap: float) -> str | None:
    """The kind line read from band_crop: its text when it names a kind, else the kind line its ink fits."""
    crop = band_crop(warped, gap)
    if crop is None:
        return None
    t, s = engine.recognize_lines([crop])[0]
    t = clean_text(t)
    if s >= 0.6 and kind_of(t, "") != "company":
        return t
    return by_ink(engine, crop, floor=FLOOR)
