"""Rectangular stamps (与原件一致) and 骑缝章 slices at the page edge, for detector.py."""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.seals.candidate import Candidate


def inside_rect(a: Candidate, b: Candidate) -> bool:
    return abs(a.cx - b.cx) < max(a.ax, b.ax) and abs(a.cy - b.cy) < max(a.ay, b.ay)


def edge_strips(mask: np.ndarray, min_d: float) -> list[Candidate]:
    """骑缝章 slices: red marks touching a page edge in a thin strip, grouped along the edge.

    A slice from the middle of a straddle seal has no outline of its own (two arc ends, part of
    the star), so it is judged by place and size: it touches the edge, runs along it for a
    seal-like length and is no deeper than a seal."""
    h, w = mask.shape
    out: list[Candidate] = []
    depth = int(max(min_d, 0.1 * min(h, w)))
    for side in ("left", "right", "top", "bottom"):
        along = h if side in ("left", "right") else w
        band = {"left": mask[:, :depth], "right": mask[:, w - depth:],
                "top": mask[:depth, :].T, "bottom": mask[h - depth:, :].T}[side]
        band = (band > 0).astype(np.uint8) * 255          # rows run along the edge
        if side in ("left", "top"):
            band = band[:, ::-1]                           # the edge is the last column
        k = max(5, int(along * 0.04))
        grouped = cv2.morphologyEx(band, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k // 2, k)))
        n, lab, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh, area = stats[i]
            if x + bw < band.shape[1] - max(3, 0.03 * min(h, w)):   # not at the edge
                continue
            if not (0.045 * along <= bh <= 0.3 * along) or bw < 4:
                continue
            ink = int((band[y:y + bh, x:x + bw] > 0).sum())
            if ink < 0.03 * bw * bh or ink < 0.02 * bh * bh:
                continue
            d0 = band.shape[1] - x                         # depth into the page (to the edge)
            if d0 > 0.7 * bh:                              # deeper than a slice of a seal
                continue
            a0, a1 = y, y + bh
            if side == "right":
                bbox = (w - d0, a0, w, a1)
            elif side == "left":
                bbox = (0, a0, d0, a1)
            elif side == "bottom":
                bbox = (a0, h - d0, a1, h)
            else:
                bbox = (a0, 0, a1, d0)
            r = bh / 2
            cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
            out.append(Candidate(cx, cy, r, r, 0, "round", 0.6, bbox, side, ink / (bw * bh)))
    return out


def rect_candidate(mask, cnt, min_d, short, fill: float = 0.85) -> Candidate | None:
    if len(cnt) < 4:
        return None
    _, _, bw, bh = cv2.boundingRect(cnt)
    if max(bw, bh) < min_d or min(bw, bh) < min_d * 0.3 or max(bw, bh) > short * 0.6:
        return None
    (rx, ry), (rw, rh), ang = cv2.minAreaRect(cnt)
    if rw < rh:
        rw, rh, ang = rh, rw, ang + 90
    if rh < min_d * 0.35 or rw < min_d or rw > short * 0.55 or not (1.6 <= rw / max(rh, 1) <= 7):
        return None
    area = cv2.contourArea(cnt) if fill >= 0.85 else cv2.contourArea(cv2.convexHull(cnt))
    if area < fill * rw * rh:
        return None
    # border present on all four sides, some ink inside, not a filled bar
    box = cv2.boxPoints(((rx, ry), (rw, rh), ang)).astype(np.int32)
    full = np.zeros_like(mask)
    cv2.fillPoly(full, [box], 255)
    inner = cv2.erode(full, np.ones((max(3, int(rh * 0.25)),) * 2, np.uint8))
    border = cv2.bitwise_and(full, cv2.bitwise_not(inner))
    b_dens = (mask[border > 0] > 0).mean() if (border > 0).any() else 0
    i_dens = (mask[inner > 0] > 0).mean() if (inner > 0).any() else 0
    if b_dens < 0.3 or not (0.05 <= i_dens <= 0.6):
        return None
    x, y, bw, bh = cv2.boundingRect(cnt)
    return Candidate(rx, ry, rw / 2, rh / 2, ang, "rect", min(1.0, 0.5 + b_dens / 2),
                     (x, y, x + bw, y + bh), None, float(i_dens))


def rect_borders(mask: np.ndarray, min_d: float) -> list[tuple[int, int, int, int]]:
    """Boxes of rectangular stamps fused with a seal in one blob (与原件一致 touching a ring):
    two long straight horizontal borders of the same extent, a stamp's height apart. A ring's
    curved top is not straight over 2 × min_d, so only the stamp's borders survive the opening."""
    ln = max(8, int(2 * min_d))
    m = (mask > 0).astype(np.uint8) * 255
    m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))          # thin, textured
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))  # borders
    horiz = cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (ln, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    segs = [tuple(stats[i][:4]) for i in range(1, n)]
    out = []
    for i, (x, y, w, h) in enumerate(segs):
        for x2, y2, w2, h2 in segs[i + 1:]:
            ov = min(x + w, x2 + w2) - max(x, x2)
            if ov < 0.8 * min(w, w2) or min(w, w2) < 0.6 * max(w, w2):
                continue                    # not the same extent: not one box
            top, bot = min(y, y2), max(y + h, y2 + h2)
            if not (0.3 * min_d <= bot - top <= max(w, w2) / 1.6):
                continue
            out.append((min(x, x2), top, max(x + w, x2 + w2), bot))
    return out
