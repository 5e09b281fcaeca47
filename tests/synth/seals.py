"""Red seal images (RGBA PNG): round company seals, oval seals, authority seals, 与原件一致 stamps, 骑缝章 slices."""
from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

from .fonts import pil

RED = (215, 30, 35)
KIND_TEXT = {"finance": "财务专用章", "contract": "合同专用章", "invoice": "发票专用章"}


def _star(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.38
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=RED + (255,))


def _char(ch: str, size: int, angle: float, sx: float = 1.0) -> Image.Image:
    f = pil(size)
    im = Image.new("RGBA", (int(size * 1.4), int(size * 1.4)), (0, 0, 0, 0))
    ImageDraw.Draw(im).text((im.width / 2, im.height / 2), ch, font=f, fill=RED + (255,), anchor="mm",
                            stroke_width=max(1, size // 28), stroke_fill=RED + (255,))
    if sx != 1.0:
        im = im.resize((max(1, int(im.width * sx)), im.height))
    return im.rotate(-angle, resample=Image.BICUBIC, expand=True)


def _arc_text(im: Image.Image, text: str, cx: float, cy: float, rx: float, ry: float, span: float, size: int) -> None:
    n = len(text)
    span = min(span, 22 * n)
    for i, ch in enumerate(text):
        a = -90 - span / 2 + span * (i + 0.5) / n          # degrees, clockwise from 12 o'clock leftwards
        t = math.radians(a)
        x, y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        g = _char(ch, size, a + 90, sx=0.8 if n > 14 else 0.9)
        im.alpha_composite(g, (int(x - g.width / 2), int(y - g.height / 2)))


def _texture(im: Image.Image, seed: int) -> Image.Image:
    """Uneven ink: random speckles knocked out of the alpha channel, slight blur."""
    rng = random.Random(seed)
    a = im.getchannel("A")
    mask = Image.new("L", im.size, 255)
    d = ImageDraw.Draw(mask)
    for _ in range(im.width // 2):
        x, y, r = rng.uniform(0, im.width), rng.uniform(0, im.height), rng.uniform(1, im.width / 60)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(0, 150))
    a = Image.composite(a, Image.new("L", im.size, 0), mask).filter(ImageFilter.GaussianBlur(0.6))
    out = im.copy()
    out.putalpha(Image.eval(a, lambda v: int(v * 0.88)))
    return out


@functools.lru_cache(maxsize=256)
def seal_png(text: str, kind: str = "company", oval: bool = False, px: int = 300, seed: int = 0) -> bytes:
    """PNG bytes of a seal. kind: company | finance | contract | invoice | authority."""
    w, h = (px, int(px * 0.68)) if oval else (px, px)
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    bw = max(3, px // 38)
    d.ellipse((bw, bw, w - bw, h - bw), outline=RED + (255,), width=bw)
    cx, cy = w / 2, h / 2
    size = int(px * (0.12 if len(text) <= 12 else 0.105 if len(text) <= 16 else 0.09))
    if oval:
        _arc_text(im, text, cx, cy, w / 2 - bw * 2 - size * 0.7, h / 2 - bw * 2 - size * 0.7, 220, int(size * 0.85))
        sub = KIND_TEXT.get(kind, "")
        if sub:
            d.text((cx, cy + h * 0.12), sub, font=pil(int(size * 0.8)), fill=RED + (255,), anchor="mm")
        else:
            _star(d, cx, cy + h * 0.05, h * 0.12)
    else:
        _arc_text(im, text, cx, cy, w / 2 - bw * 2 - size * 0.75, h / 2 - bw * 2 - size * 0.75, 250, size)
        _star(d, cx, cy, px * 0.13)
        sub = KIND_TEXT.get(kind, "")
        if sub:
            d.text((cx, cy + px * 0.24), sub, font=pil(int(px * 0.075)), fill=RED + (255,), anchor="mm")
        code = "".join(str((seed // 7 ** i + i * 3) % 10) for i in range(13))
        d.text((cx, h - bw * 2 - px * 0.08), code, font=pil(int(px * 0.04)), fill=RED + (255,), anchor="mm")
    im = _texture(im, stable(f"{text}|{kind}|{seed}"))
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=False)
    return buf.getvalue()


@functools.lru_cache(maxsize=16)
def stamp_png(text: str = "与原件一致", px: int = 300) -> bytes:
    """Rectangular red 与原件一致 stamp (not a seal)."""
    w, h = px, int(px * 0.36)
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rectangle((3, 3, w - 4, h - 4), outline=RED + (255,), width=max(3, px // 50))
    d.text((w / 2, h / 2), text, font=pil(int(h * 0.55)), fill=RED + (255,), anchor="mm")
    im = _texture(im, 7)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def slice_png(png: bytes, i: int, n: int, frac: float = 0.22) -> bytes:
    """Vertical slice i of n of a seal (骑缝章 on the right page edge)."""
    im = Image.open(io.BytesIO(png))
    sw = max(int(im.width * frac), im.width // max(n, 1))
    step = (im.width - sw) / max(n - 1, 1)
    x0 = int(i * step)
    out = im.crop((x0, 0, x0 + sw, im.height))
    buf = io.BytesIO()
    out.save(buf, "PNG")
    return buf.getvalue()


def stable(s: str) -> int:
    """Process-independent small hash (str hash() is salted per process)."""
    import zlib
    return zlib.crc32(s.encode("utf-8")) & 0xFFFF
