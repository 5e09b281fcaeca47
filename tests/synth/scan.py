"""Scanner simulation: rasterize pages, skew/rotate/noise/blur/JPEG, rebuild image-only PDFs (bbox-tracked)."""
from __future__ import annotations

import hashlib
import io
import math
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from .fonts import pil


@dataclass
class ScanOpts:
    dpi: int
    skew: float
    quality: int
    grey: bool
    blur: bool
    noise: float
    garbage_text: bool


def choose(rng: random.Random, dpi: int | None = None, grey: bool | None = None,
           quality: int | None = None) -> ScanOpts:
    o = ScanOpts(dpi=dpi or rng.choices([150, 200, 300], weights=[4, 5, 1])[0],
                    skew=0.0 if rng.random() < 0.2 else rng.uniform(-3, 3), quality=rng.randint(45, 80),
                    grey=rng.random() < 0.2, blur=rng.random() < 0.3, noise=rng.uniform(1.5, 6),
                    garbage_text=rng.random() < 0.15)
    if grey is not None:
        o.grey = grey
    if quality is not None:
        o.quality, o.noise = quality, min(o.noise, 2.0)
    return o


def rasterize(pdf: bytes, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def _rot_point(x: float, y: float, w: int, h: int, deg: float) -> tuple[float, float]:
    t = math.radians(deg)
    cx, cy = w / 2, h / 2
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(t) + dy * math.sin(t), cy - dx * math.sin(t) + dy * math.cos(t)


def _quarter(x: float, y: float, w: int, h: int, k: int) -> tuple[float, float]:
    return [(x, y), (y, w - x), (w - x, h - y), (h - y, x)][k]


def scan_page(img: Image.Image, o: ScanOpts, rng: random.Random, src_dpi: float, quarter: int = 0,
              footer: str | None = None):
    """Degrade one page image (rendered at src_dpi). Returns (JPEG bytes, (w_pt, h_pt), bbox mapper)."""
    if abs(src_dpi - o.dpi) > 0.5:
        img = img.resize((round(img.width * o.dpi / src_dpi), round(img.height * o.dpi / src_dpi)), Image.BILINEAR)
    w, h = img.size
    if footer:
        ImageDraw.Draw(img).text((w / 2, h - o.dpi * 0.45), footer, font=pil(max(10, o.dpi // 9)), fill=(60, 60, 60),
                                 anchor="mm")
    tint = tuple(rng.randint(232, 250) for _ in range(3))
    if o.skew:
        img = img.rotate(o.skew, resample=Image.BILINEAR, expand=False, fillcolor=tint)
    if quarter:
        img = img.transpose([None, Image.ROTATE_90, Image.ROTATE_180, Image.ROTATE_270][quarter])
    a = np.asarray(img, dtype=np.int32)
    a = a * np.array(tint, dtype=np.int32) // 255                          # paper tone
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    a = a + nrng.normal(0, o.noise, size=a.shape[:2])[..., None].astype(np.int32)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if o.blur:
        img = img.filter(ImageFilter.GaussianBlur(0.7))
    if o.grey:
        img = ImageOps.grayscale(img)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=o.quality, dpi=(o.dpi, o.dpi))
    s = 72 / o.dpi

    def bbox(b: list[float]) -> list[float]:
        pts = [(b[0] / s, b[1] / s), (b[2] / s, b[1] / s), (b[0] / s, b[3] / s), (b[2] / s, b[3] / s)]
        if o.skew:
            pts = [_rot_point(x, y, w, h, o.skew) for x, y in pts]
        if quarter:
            pts = [_quarter(x, y, w, h, quarter) for x, y in pts]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return [round(min(xs) * s, 1), round(min(ys) * s, 1), round(max(xs) * s, 1), round(max(ys) * s, 1)]
    return buf.getvalue(), (img.width * s, img.height * s), bbox


GARBAGE = "ÃÂ¿ËÎÄ¼þ£¬Ç°ÖÃ·ñ´æÔÚ¹«Ë¾ÓÐÏÞÉêÇë±¨¸æ"


def images_pdf(pages: list[tuple[bytes, tuple[float, float]]], garbage: bool, rng: random.Random) -> bytes:
    """Image-only PDF from JPEG pages (JPEG data embedded as is); optional invisible garbage text layer."""
    from reportlab.pdfgen import canvas
    from .fonts import FONT, register
    register()
    out = io.BytesIO()
    c = canvas.Canvas(out, pageCompression=0)
    # reportlab embeds JPEG files as is (DCTDecode) and names the XObject after the path: a content-derived
    # path keeps the output deterministic
    td = os.path.join(tempfile.gettempdir(), "shenbao-synth-jpg")
    os.makedirs(td, exist_ok=True)
    paths = []
    if True:
        for i, (jpg, (w, h)) in enumerate(pages):
            path = os.path.join(td, hashlib.sha1(jpg).hexdigest() + ".jpg")
            if not os.path.exists(path):
                tmp = f"{path}.{os.getpid()}"
                with open(tmp, "wb") as f:
                    f.write(jpg)
                os.replace(tmp, path)
            paths.append(path)
            c.setPageSize((w, h))
            c.drawImage(path, 0, 0, w, h)
            if garbage:
                t = c.beginText()
                t.setTextRenderMode(3)
                t.setFont(FONT, 10)
                for _ in range(rng.randint(5, 25)):
                    t.setTextOrigin(rng.uniform(40, w - 200), rng.uniform(40, h - 40))
                    t.textLine("".join(rng.choice(GARBAGE) for _ in range(rng.randint(6, 30))))
                c.drawText(t)
            c.showPage()
        c.save()
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass
    return out.getvalue()
