"""reportlab platypus helpers: styles, seal flowables that record where they land, one-call PDF build."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from .fonts import FONT, register


@dataclass
class SealMark:
    page: int                  # 1-based within this PDF
    bbox: list[float]          # points, origin top-left
    text: str | None
    kind: str
    party: str | None          # party key that should have stamped there
    slot: str | None


@dataclass
class Rendered:
    pdf: bytes
    sizes: list[tuple[float, float]]
    seals: list[SealMark] = field(default_factory=list)
    sections: list[tuple[str, int, str | None]] = field(default_factory=list)   # (name, page, party key)
    text_layer: bool = True


class Recorder:
    def __init__(self) -> None:
        self.seals: list[SealMark] = []
        self.sections: list[tuple[str, int, str | None]] = []


_READERS: dict[int, ImageReader] = {}


def reader(png: bytes) -> ImageReader:
    k = hash(png)
    if k not in _READERS:
        if len(_READERS) > 400:
            _READERS.clear()
        _READERS[k] = ImageReader(io.BytesIO(png))
    return _READERS[k]


def draw_png(canv, png: bytes, x: float, y: float, w: float, h: float) -> None:
    canv.drawImage(reader(png), x, y, w, h, mask="auto")


class Seal(Flowable):
    """Zero-size flowable: draws a seal image offset (dx, dy) from where it stands, records its bbox."""

    def __init__(self, rec: Recorder, png: bytes | None, w: float, h: float, dx: float, dy: float,
                 text: str | None, kind: str, party: str | None, slot: str | None):
        super().__init__()
        self.rec, self.png, self.sw, self.sh, self.dx, self.dy = rec, png, w, h, dx, dy
        self.meta = (text, kind, party, slot)

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        if self.png is None:
            return
        c = self.canv
        draw_png(c, self.png, self.dx, self.dy, self.sw, self.sh)
        x, y = c.absolutePosition(self.dx, self.dy)
        H = c._pagesize[1]
        self.rec.seals.append(SealMark(c.getPageNumber(), [round(x, 1), round(H - y - self.sh, 1),
                                                           round(x + self.sw, 1), round(H - y, 1)], *self.meta))


class Anchor(Flowable):
    """Records the page a section starts on."""

    def __init__(self, rec: Recorder, name: str, party: str | None):
        super().__init__()
        self.rec, self.name, self.party = rec, name, party

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.rec.sections.append((self.name, self.canv.getPageNumber(), self.party))


_FONT = [FONT]


def set_font(name: str) -> None:
    """Font for the next document: the embedded TTF subset, or the non-embedded CID font STSong-Light."""
    _FONT[0] = name


def style(size: float = 10.5, lead: float | None = None, align: int = 0, indent: float = 0, font: str | None = None,
          space: float = 0) -> ParagraphStyle:
    register()
    f = font or _FONT[0]
    return ParagraphStyle(f"s{f}{size}{align}{indent}{space}", fontName=f, fontSize=size,
                          leading=lead or size * 1.45, alignment=align, firstLineIndent=indent, spaceAfter=space,
                          wordWrap="CJK")


def P(text: str, size: float = 10.5, **kw) -> Paragraph:
    return Paragraph(text, style(size, **kw))


def title(text: str, size: float = 16) -> Paragraph:
    return Paragraph(text, style(size, align=TA_CENTER, space=8))


def grid(data, widths, size: float = 9, spans=(), extra=(), heights=None, lines: bool = True) -> Table:
    register()
    cells = [[P(c, size) if isinstance(c, str) else c for c in row] for row in data]
    t = Table(cells, colWidths=widths, rowHeights=heights)
    t.setStyle(TableStyle([*([("GRID", (0, 0), (-1, -1), 0.6, colors.black)] if lines else []),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("FONT", (0, 0), (-1, -1), _FONT[0], size),
                           *[("SPAN", a, b) for a, b in spans], *extra]))
    return t


def build(flow: list, pagesize=A4, on_page: Callable | None = None, margins=(56, 56, 50, 50),
          rec: Recorder | None = None) -> Rendered:
    register()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=margins[0], rightMargin=margins[1],
                            topMargin=margins[2], bottomMargin=margins[3], title="", author="")

    def cb(canv, d):
        if on_page:
            on_page(canv, d)
    doc.build(flow, onFirstPage=cb, onLaterPages=cb)
    pdf = buf.getvalue()
    n = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ") or 0
    r = Rendered(pdf=pdf, sizes=[], seals=rec.seals if rec else [], sections=rec.sections if rec else [])
    r.sizes = page_sizes(pdf)
    return r


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    try:
        return [tuple(doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()
