"""Red seals on page images: find them, read their owner name and kind.

    find_seals(image_rgb, file, page, scale, ocr) -> list[Seal]   # bbox in PDF points
    suppress_red(image_rgb) -> image_rgb                           # seal ink faded, black print kept

`scale` is pixels per PDF point of `image_rgb` (150 dpi render: 150/72; image files: 1.0).
`ocr` is a pipeline.ocr OcrEngine (recognize_lines is used); None skips reading.
"""
from __future__ import annotations

import logging

import numpy as np

from models.provenance import Seal, SealKind
from pipeline.seals.detector import Candidate, detect, red_mask
from pipeline.seals.reading import read_rect, read_round

log = logging.getLogger(__name__)
ENGINE = "seal:hsv-ring+polar"


def find_seals(image_rgb: np.ndarray, file: str, page: int, scale: float, ocr=None) -> list[Seal]:
    """Every red seal on one page image, read when an OCR engine is given. A ring reading of a colour seal is
    also read from its sharp ink, a second opinion for the checks' one-character claims."""
    if image_rgb is None or image_rgb.ndim != 3 or min(image_rgb.shape[:2]) < 16:
        return []
    rgb = np.ascontiguousarray(image_rgb[..., :3])
    out: list[Seal] = []
    keep: dict = {}
    for c in sorted(detect(rgb, keep), key=lambda c: (c.bbox[1], c.bbox[0])):
        seal = Seal(file=file, page=page, bbox=tuple(round(v / scale, 1) for v in c.bbox),
                    shape=c.shape, confidence=round(c.score, 3), edge=c.edge, engine=ENGINE)
        if ocr is not None and c.edge is None:
            try:
                _read_into(seal, rgb, c, ocr)
            except Exception as e:  # a reading failure leaves the seal found but unread
                log.warning("seal reading failed on %s p%d: %s", file, page, e)
        out.append(seal)
    out += _unresolved_red(rgb, detected=[s.bbox for s in out], file=file, page=page, scale=scale,
                           mask=keep.get("red"))
    return out


def _unresolved_red(rgb: np.ndarray, detected: list, file: str, page: int, scale: float,
                    mask: np.ndarray | None = None) -> list[Seal]:
    """Seal-sized red marks that detection could not resolve (an oval fused with a stamp and a printed line,
    say): kept as unread 'blob' records, so that the checks abstain there instead of claiming a missing seal."""
    import cv2
    mask = red_mask(rgb) if mask is None else mask.copy()     # (the detector's own mask when it has one)
    for x0, y0, x1, y1 in detected:
        mask[int(y0 * scale):int(y1 * scale) + 1, int(x0 * scale):int(x1 * scale) + 1] = 0
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    side = 90 * scale   # company seals are ~110 pt across; the licence emblem (~75 pt) stays out
    out = []
    for x, y, w, h, area in stats[1:n]:
        # an oval company seal is ~113 x 77 pt: fused with a stamp it may stay under `side` one way, and
        # side by side with a 与原件一致 stamp (~70 pt) it is up to ~2.6 times as wide as high
        if max(w, h) >= side and min(w, h) >= 0.66 * side and 1 / 3 <= w / h <= 3.0 and area >= 0.08 * w * h:
            out.append(Seal(file=file, page=page, shape="blob", confidence=0.1, engine=ENGINE,
                            bbox=tuple(round(v / scale, 1) for v in (x, y, x + w, y + h))))
    return out


def _read_into(seal: Seal, rgb: np.ndarray, c: Candidate, ocr) -> None:
    info = read_rect(rgb, c, ocr) if c.shape == "rect" else read_round(rgb, c, ocr, second=True)
    seal.text = info["text"]
    seal.text_confidence = round(info["text_confidence"], 3)
    seal.kind_text = info.get("kind_text")
    seal.is_copy_stamp = bool(info.get("is_copy_stamp", False))
    seal.kind = SealKind(info["kind"])
    seal.ring_ctc = info.get("ring_ctc")
    seal.ring_print = info.get("ring_print")
    seal.ring_ctc_sharp = info.get("ring_ctc_sharp")


def suppress_red(image_rgb: np.ndarray) -> np.ndarray:
    """The page with red seal ink faded to near white and black/blue print kept, for OCR of
    text under seals. Uses the red channel (red ink is bright there, black print is dark)."""
    rgb = np.ascontiguousarray(image_rgb[..., :3])
    mask = red_mask(rgb, 1) > 0
    r = rgb[..., 0].astype(np.float32)
    gray = np.minimum(rgb.min(axis=2), 255).astype(np.float32)
    gray = np.where(mask, 255 - (255 - r) * 0.35, gray)          # seal ink: lifted towards white
    out = np.clip(gray, 0, 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2)


__all__ = ["find_seals", "suppress_red", "ENGINE"]
