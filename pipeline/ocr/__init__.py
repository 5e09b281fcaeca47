"""OCR engines behind one protocol (pipeline.ocr.base.OcrEngine), chosen by configuration.

    get_engine()                 # env SHENBAO_OCR_ENGINE, default "paddleocr"
    get_engine("paddleocr")      # PP-OCRv6 small on onnxruntime via paddleocr (default, fastest)
    get_engine("paddleocr-pipeline")  # paddleocr's full PaddleOCR pipeline, same ONNX models
    get_engine("paddle")         # paddleocr engine="paddle" (needs paddlepaddle + local model dirs)
    get_engine("rapidocr")       # RapidOCR on the same local ONNX models (optional extra)
Engines are created once per process and reused. Nothing downloads models.
"""
from __future__ import annotations

import os
import threading

from pipeline.ocr.base import OcrBox, OcrEngine

DEFAULT_ENGINE = "paddleocr"
ENGINES = ("paddleocr", "paddleocr-pipeline", "paddle", "rapidocr")
_engines: dict[str, OcrEngine] = {}
_lock = threading.Lock()


def _make(name: str) -> OcrEngine:
    if name in ("paddleocr", "paddleocr-onnx", "default"):
        from pipeline.ocr.paddle_onnx import PaddleOnnxEngine
        return PaddleOnnxEngine()
    if name == "paddleocr-pipeline":
        from pipeline.ocr.paddle_onnx import PaddlePipelineEngine
        return PaddlePipelineEngine("onnxruntime")
    if name == "paddle":
        from pipeline.ocr.paddle_onnx import PaddlePipelineEngine
        return PaddlePipelineEngine("paddle")
    if name == "rapidocr":
        from pipeline.ocr.rapid import RapidEngine
        return RapidEngine()
    raise ValueError(f"未知 OCR 引擎 / unknown OCR engine {name!r}; choose one of {ENGINES}")


def get_engine(name: str | None = None) -> OcrEngine:
    """The OCR engine `name` (else env SHENBAO_OCR_ENGINE, else the default), one instance per process."""
    name = (name or os.environ.get("SHENBAO_OCR_ENGINE") or DEFAULT_ENGINE).strip().lower()
    with _lock:
        if name not in _engines:
            _engines[name] = _make(name)
        return _engines[name]


__all__ = ["OcrBox", "OcrEngine", "get_engine", "DEFAULT_ENGINE", "ENGINES"]
