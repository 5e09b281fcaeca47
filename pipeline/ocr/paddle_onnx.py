"""PP-OCRv6 small on onnxruntime through paddleocr: the default engine.

Detection runs paddleocr's own TextDetection predictor (engine="onnxruntime") on the
assembled model folders. Recognition feeds the same PP-OCRv6 rec ONNX model directly,
in width-sorted batches (paddleocr's per-crop pipeline overhead is what we skip).
`PaddlePipelineEngine` wraps paddleocr's full PaddleOCR pipeline for comparison.
"""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np
import yaml

from pipeline.ocr.assemble import model_dirs
from pipeline.ocr.base import OcrBox

os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")

THREADS = int(os.environ.get("SHENBAO_OCR_THREADS", "2"))
if "SHENBAO_OCR_THREADS" in os.environ:
    # the process's share of the cores (a Dask or read worker beside others): OpenCV's pool (page preparation,
    # seals, tables) keeps to it as well, instead of one thread per core in every worker
    cv2.setNumThreads(THREADS)
ENGINE_CONFIG = {"intra_op_num_threads": THREADS, "inter_op_num_threads": 1}
DET_CONFIG = {**ENGINE_CONFIG, "enable_cpu_mem_arena": False}
REC_H = 48
ARENA = os.environ.get("SHENBAO_OCR_ARENA", "0") == "1"   # ORT arena off: memory is returned between pages


def crop_quad(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Perspective-crop a (4,2) quad to an upright strip (paddle's get_rotate_crop_image)."""
    quad = quad.astype(np.float32)
    xs, ys = quad[:, 0], quad[:, 1]
    if abs(ys[0] - ys[1]) < 1.5 and abs(ys[2] - ys[3]) < 1.5 and abs(xs[0] - xs[3]) < 1.5 and abs(xs[1] - xs[2]) < 1.5:
        # axis-aligned: a plain slice is enough (and much cheaper)
        H, W = image.shape[:2]
        x0, y0 = max(0, int(xs.min())), max(0, int(ys.min()))
        x1, y1 = min(W, int(np.ceil(xs.max()))), min(H, int(np.ceil(ys.max())))
        crop = image[y0:y1, x0:x1]
        return np.rot90(crop) if crop.size and crop.shape[0] / max(crop.shape[1], 1) >= 1.5 else crop
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    w, h = max(w, 1), max(h, 1)
    dst = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(quad, dst)
    crop = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        crop = np.rot90(crop)
    return crop


def sort_quads(quads: list[np.ndarray]) -> list[np.ndarray]:
    """Reading order: top-to-bottom, then left-to-right within ~a line."""
    quads = sorted(quads, key=lambda q: (q[:, 1].min(), q[:, 0].min()))
    for i in range(1, len(quads)):
        j = i
        while j > 0 and abs(quads[j][:, 1].min() - quads[j - 1][:, 1].min()) < 10 \
                and quads[j][:, 0].min() < quads[j - 1][:, 0].min():
            quads[j - 1], quads[j] = quads[j], quads[j - 1]
            j -= 1
    return quads


def _width_twins(chars: list[str]) -> dict[int, int]:
    """Class index -> index of the same character in the other width (ASCII '(' <-> full-width '（').
    Text is NFKC-normalised downstream, so a character's score is the sum of both widths' probabilities:
    a bracket the model cannot place between widths is still a sure bracket."""
    index = {c: i for i, c in enumerate(chars)}
    twin: dict[int, int] = {}
    for code in range(0x21, 0x7F):
        half, full = chr(code), chr(code + 0xFEE0)
        if half in index and full in index:
            twin[index[half]], twin[index[full]] = index[full], index[half]
    return twin


class OnnxRecognizer:
    """CTC recognition with the PP-OCRv6 rec ONNX model, batched by width."""

    def __init__(self, model_dir, threads: int = THREADS, batch: int = 8, max_pixels_w: int = 3200):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
        so.enable_cpu_mem_arena = ARENA
        self.sess = ort.InferenceSession(str(model_dir / "inference.onnx"), so, providers=["CPUExecutionProvider"])
        cfg = yaml.safe_load((model_dir / "inference.yml").read_text(encoding="utf-8"))
        self.chars = ["blank"] + list(cfg["PostProcess"]["character_dict"]) + [" "]
        self.batch, self.max_pixels_w = batch, max_pixels_w
        self.lock = threading.Lock()
        self.twin = _width_twins(self.chars)

    @staticmethod
    def _width(c: np.ndarray) -> int:
        h, w = c.shape[:2]
        return max(8, min(3200, int(np.ceil(REC_H * w / max(h, 1)))))

    def __call__(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return [(t, s) for t, s, _ in self.read(crops)]

    def read(self, crops: list[np.ndarray]) -> list[tuple[str, float, float]]:
        """(text, mean character score, weakest character's score) per crop."""
        out: list[tuple[str, float, float]] = [("", 0.0, 0.0)] * len(crops)
        valid = [i for i, c in enumerate(crops) if c is not None and c.size and min(c.shape[:2]) >= 2]
        order = sorted(valid, key=lambda i: self._width(crops[i]))
        batches, cur = [], []
        for i in order:   # batches bounded by padded width (memory) and count
            if cur and ((len(cur) + 1) * self._width(crops[i]) > self.max_pixels_w or len(cur) >= self.batch):
                batches.append(cur)
                cur = []
            cur.append(i)
        if cur:
            batches.append(cur)
        for idx in batches:
            W = max(self._width(crops[i]) for i in idx)
            W = int(np.ceil(W / 16) * 16)
            x = np.zeros((len(idx), 3, REC_H, W), np.float32)
            for j, i in enumerate(idx):
                c = crops[i]
                if c.ndim == 2:
                    c = cv2.cvtColor(c, cv2.COLOR_GRAY2BGR)
                nw = self._width(c)
                r = cv2.resize(c, (nw, REC_H)).astype(np.float32) / 127.5 - 1.0
                x[j, :, :, :nw] = r.transpose(2, 0, 1)
            with self.lock:
                y = self.sess.run(None, {self.sess.get_inputs()[0].name: x})[0]
            am, mx = y.argmax(2), y.max(2)
            for j, i in enumerate(idx):
                a = am[j]
                keep = np.r_[True, a[1:] != a[:-1]] & (a != 0)
                text = "".join(self.chars[c] for c in a[keep] if c < len(self.chars))
                sc = mx[j][keep].copy()
                for k, t in enumerate(np.flatnonzero(keep)):   # '(' or '（': the same character once normalised
                    if a[t] in self.twin:
                        sc[k] += y[j, t, self.twin[a[t]]]
                out[i] = (text, float(sc.mean()) if keep.any() else 0.0, float(sc.min()) if keep.any() else 0.0)
        return out


class PaddleOnnxEngine:
    """Default engine: paddleocr TextDetection (onnxruntime) + batched PP-OCRv6 rec."""
    name = "paddleocr-onnx:PP-OCRv6-small"

    def __init__(self, det_limit: int = int(os.environ.get("SHENBAO_OCR_DET_LIMIT", "1760")), min_score: float = 0.5):
        from paddleocr import TextDetection
        dirs = model_dirs()
        self.det = TextDetection(model_name="PP-OCRv6_small_det", model_dir=str(dirs["det"]),
                                 engine="onnxruntime", engine_config=DET_CONFIG)
        self.rec = OnnxRecognizer(dirs["rec"])
        self.det_limit, self.min_score = det_limit, min_score
        self.lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text quads (4,2) in pixel coordinates, in reading order."""
        with self.lock:
            res = list(self.det.predict(np.ascontiguousarray(image), limit_side_len=self.det_limit, limit_type="max"))
        return sort_quads([np.asarray(p, dtype=np.float32) for p in res[0]["dt_polys"]])

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        return self.rec(crops)

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        return [b for b, _ in self.recognize_detail(image)]

    def recognize_detail(self, image: np.ndarray) -> list[tuple[OcrBox, float]]:
        """recognize() with each box's weakest character score."""
        quads = self.detect(image)
        texts = self.rec.read([crop_quad(image, q) for q in quads])
        out = []
        for q, (t, s, m) in zip(quads, texts):
            if t.strip() and s >= self.min_score:
                out.append((OcrBox(text=t, score=s, box=(float(q[:, 0].min()), float(q[:, 1].min()),
                                                       float(q[:, 0].max()), float(q[:, 1].max()))), m))
        return out

    def read_lines_detail(self, crops: list[np.ndarray]) -> list[tuple[str, float, float]]:
        return self.rec.read(crops)


class PaddlePipelineEngine:
    """paddleocr's full PaddleOCR pipeline (engine 'onnxruntime' on the local v6 models, or
    engine 'paddle' when paddlepaddle and SHENBAO_PADDLE_DET_DIR / SHENBAO_PADDLE_REC_DIR exist)."""

    def __init__(self, engine: str = "onnxruntime", **kw):
        from paddleocr import PaddleOCR
        if engine == "onnxruntime":
            dirs = model_dirs()
            det, rec = str(dirs["det"]), str(dirs["rec"])
            names = dict(text_detection_model_name="PP-OCRv6_small_det", text_recognition_model_name="PP-OCRv6_small_rec")
            self.name = "paddleocr-pipeline-onnx:PP-OCRv6-small"
        else:
            det, rec = os.environ.get("SHENBAO_PADDLE_DET_DIR"), os.environ.get("SHENBAO_PADDLE_REC_DIR")
            if not det or not rec:
                raise RuntimeError("paddle 引擎需要本地模型目录 / engine 'paddle' needs SHENBAO_PADDLE_DET_DIR and "
                                   "SHENBAO_PADDLE_REC_DIR (local inference models; nothing is downloaded)")
            names = {}
            self.name = "paddleocr-paddle:" + os.path.basename(det.rstrip("/"))
        self.ocr = PaddleOCR(engine=engine, text_detection_model_dir=det, text_recognition_model_dir=rec,
                             use_doc_orientation_classify=False, use_doc_unwarping=False,
                             use_textline_orientation=False, engine_config=ENGINE_CONFIG if engine == "onnxruntime" else None,
                             **names, **kw)
        self._rec = None
        self.lock = threading.Lock()

    def recognize(self, image: np.ndarray) -> list[OcrBox]:
        with self.lock:
            r = list(self.ocr.predict(np.ascontiguousarray(image)))[0]
        out = []
        for t, s, p in zip(r["rec_texts"], r["rec_scores"], r["rec_polys"]):
            p = np.asarray(p)
            if t.strip():
                out.append(OcrBox(text=t, score=float(s), box=(float(p[:, 0].min()), float(p[:, 1].min()),
                                                              float(p[:, 0].max()), float(p[:, 1].max()))))
        return out

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        if self._rec is None:
            self._rec = OnnxRecognizer(model_dirs()["rec"])
        return self._rec(crops)
