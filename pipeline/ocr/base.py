"""The OCR engine plug-in interface: one small protocol, engines chosen by configuration."""
from __future__ import annotations

from typing import Protocol

import numpy as np
from pydantic import BaseModel


class OcrBox(BaseModel):
    """One recognised text box, in pixel coordinates of the image given to the engine."""
    text: str
    box: tuple[float, float, float, float]      # x0, y0, x1, y1 (axis-aligned hull of the quad)
    score: float


class OcrEngine(Protocol):
    name: str                                    # e.g. "paddleocr-onnx:PP-OCRv6-small"

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        """Detect and recognise text on a BGR or RGB uint8 image."""
        ...

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise already-cropped single-line images (no detection)."""
        ...
