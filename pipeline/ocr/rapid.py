"""RapidOCR (optional extra `shenbao[rapidocr]`) with the PP-OCRv6 small ONNX models bundled in
its wheel (rapidocr>=3.10), so nothing is downloaded; the text-line classifier is off."""
from __future__ import annotations

import numpy as np

from pipeline.ocr.base import OcrBox


class RapidEngine:
    name = "rapidocr:PP-OCRv6-small"

    def __init__(self):
        try:
            from rapidocr import RapidOCR
        except ImportError as e:  # optional dependency
            raise RuntimeError("未安装 rapidocr / rapidocr is not installed (pip install 'shenbao[rapidocr]')") from e
        self.ocr = RapidOCR(params={
            "Global.use_cls": False,
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": 2,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        r = self.ocr(image, use_cls=False)
        out = []
        if r.boxes is None:
            return out
        for quad, t, s in zip(r.boxes, r.txts, r.scores):
            q = np.asarray(quad)
            out.append(OcrBox(text=t, score=float(s), box=(float(q[:, 0].min()), float(q[:, 1].min()),
                                                          float(q[:, 0].max()), float(q[:, 1].max()))))
        return out

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        out = []
        for c in crops:
            r = self.ocr(c, use_det=False, use_cls=False)
            out.append((r.txts[0], float(r.scores[0])) if r.txts else ("", 0.0))
        return out
