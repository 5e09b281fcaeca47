"""Page frames: report.json gives every bbox in PDF points of the page as stored, origin top-left.

A scanned page read on a turned (0/90/180/270, clockwise) and levelled (skew, degrees, counter-clockwise as
OpenCV turns) image has its lines, cells and seals in that upright frame; `to_stored` maps a box back onto
the page as the file holds it, so that a reviewer's PDF viewer (or any tool) finds it where it says.
"""
from __future__ import annotations

import math

from pydantic import BaseModel

from models.report import ReportModel

BBox = tuple[float, float, float, float]


class PageFrame(BaseModel):
    """How a page was turned to be read, and its upright size in points."""
    rotation: int = 0          # clockwise degrees the page image was turned
    skew: float = 0.0          # degrees it was then levelled by
    width: float               # upright width (points)
    height: float


def to_stored(bbox: BBox, frame: PageFrame) -> BBox:
    """The box (upright frame) as a box on the stored page: its corners levelled back, then turned back."""
    w, h = frame.width, frame.height
    a = math.radians(frame.skew)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy = w / 2, h / 2
    pts = []
    for x, y in ((bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])):
        # undo the levelling: OpenCV turned the image by `skew` about its centre (y down)
        dx, dy = x - cx, y - cy
        x, y = cx + cos * dx - sin * dy, cy + sin * dx + cos * dy
        r = frame.rotation % 360
        if r == 90:
            x, y = y, w - x
        elif r == 180:
            x, y = w - x, h - y
        elif r == 270:
            x, y = h - y, x
        pts.append((x, y))
    sw, sh = (h, w) if frame.rotation % 180 == 90 else (w, h)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (round(max(0.0, min(xs)), 1), round(max(0.0, min(ys)), 1),
            round(min(sw, max(xs)), 1), round(min(sh, max(ys)), 1))


def to_stored_frames(report: ReportModel, frames: dict[tuple[str, int], PageFrame]) -> int:
    """Every bbox of the report (findings, their evidence, the parties' seals) onto the stored page, in place.
    Returns how many boxes moved."""
    n = 0

    def move(obj) -> None:
        nonlocal n
        fr = frames.get((obj.file, obj.page)) if obj.file and obj.page else None
        if fr is not None and obj.bbox is not None and (fr.rotation % 360 or fr.skew):
            obj.bbox = to_stored(tuple(obj.bbox), fr)
            n += 1

    for f in report.findings:
        move(f)
        for e in f.evidence:
            move(e)
    for p in report.parties:
        for s in p.seals:
            move(s)
    return n
