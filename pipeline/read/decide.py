"""Does a PDF page have a text layer we can trust? (textlayer.usable_text_layer plus scan checks)

A scan with an invisible OCR layer that is partial (a thin strip, a header) or sparse
counts as no text layer: we OCR the image instead.
"""
from __future__ import annotations

import pdfplumber

from pipeline.read.textlayer import usable_text_layer


def image_cover(page: pdfplumber.page.Page) -> float:
    """Largest share of the page area covered by one image."""
    area = float(page.width * page.height) or 1.0
    best = 0.0
    for im in page.images:
        w = max(0.0, min(im["x1"], page.width) - max(im["x0"], 0))
        h = max(0.0, min(im["bottom"], page.height) - max(im["top"], 0))
        best = max(best, w * h / area)
    return best


def has_usable_text(page: pdfplumber.page.Page) -> bool:
    if not usable_text_layer(page):
        return False
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars:
        return False
    if image_cover(page) >= 0.8:
        # a full-page image: the text must spread over the page and be reasonably dense
        top = min(c["top"] for c in chars)
        bottom = max(c["bottom"] for c in chars)
        if (bottom - top) < 0.35 * float(page.height) or len(chars) < 60:
            return False
    return True
