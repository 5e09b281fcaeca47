"""Render PDF pages and load images as RGB arrays, with the scale to PDF points."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


def render_pdf_page(path: str | Path, index: int, dpi: int = 150) -> np.ndarray:
    """Page `index` (1-based) as an RGB uint8 array at `dpi`. One point = dpi/72 pixels."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index - 1]
        bitmap = page.render(scale=dpi / 72)
        return np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        pdf.close()


def load_image(path: str | Path) -> np.ndarray:
    """An image file as RGB, EXIF orientation applied. Its 'points' are pixels at 72 dpi."""
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return np.asarray(im.convert("RGB"))


def crop_points(image: np.ndarray, bbox: tuple[float, float, float, float], scale: float,
                pad: float = 0) -> np.ndarray:
    """Crop a bbox given in points out of an image rendered at `scale` pixels per point."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (int(round(v * scale)) for v in (bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad))
    return image[max(0, y0):min(h, y1), max(0, x0):min(w, x1)]
