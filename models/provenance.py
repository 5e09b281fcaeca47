"""Internal records that carry provenance: every value knows where it came from.

Coordinates are PDF points of the page they lie on, origin top-left, as in pdfplumber.
For image files (JPG/PNG) a page is the image at 72 dpi: one pixel at 72 dpi = one point.
"""
from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field as PField

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points


class Evidence(BaseModel):
    """Where a value was read: file (packet-relative path), page (1-based), bbox, raw text."""
    file: str
    page: int
    bbox: BBox | None = None
    text: str | None = None
    engine: str = "pdfplumber"
    confidence: float | None = None


class TextLine(BaseModel):
    """One line (or OCR box) of text on a page."""
    text: str
    bbox: BBox
    confidence: float = 1.0
    engine: str = "pdfplumber"


class Cell(BaseModel):
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox
    text: str = ""
    confidence: float = 1.0


class Table(BaseModel):
    """A ruled table: a grid of cells, merged cells carry row/col spans."""
    bbox: BBox
    n_rows: int
    n_cols: int
    cells: list[Cell] = PField(default_factory=list)
    engine: str = "pdfplumber"

    def cell(self, row: int, col: int) -> Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by starting row, each row sorted by column."""
        out: dict[int, list[Cell]] = {}
        for c in self.cells:
            out.setdefault(c.row, []).append(c)
        return [sorted(out[r], key=lambda c: c.col) for r in sorted(out)]


class SealKind(str, Enum):
    company = "company"
    finance = "finance"
    contract = "contract"
    invoice = "invoice"
    authority = "authority"
    unknown = "unknown"


class Seal(BaseModel):
    """A red seal found on a page."""
    file: str
    page: int
    bbox: BBox
    shape: str = "round"          # round | oval | rect
    confidence: float = 0.0       # detection confidence
    text: str | None = None       # the curved text read off the ring (the owner's name)
    text_confidence: float | None = None
    text_read: str | None = None  # the recogniser's own reading, kept when `text` became the name the ink fits
    kind: SealKind = SealKind.unknown
    kind_text: str | None = None  # horizontal text under the star (财务专用章 …)
    is_copy_stamp: bool = False   # a rectangular 与原件一致 stamp: not a seal
    edge: str | None = None       # 'left' | 'right' | 'top' | 'bottom' for a 骑缝章 slice
    engine: str = "seal"
    # the recogniser's top character probabilities per frame of the ring strip (optional; CTC frames of
    # [char, log p], "" = blank): lets the seal checks score the party names against the ink itself
    ring_ctc: list[list[tuple[str, float]]] | None = None
    # per CTC frame of the same strip, the share of its column black print covers (a glyph cut by print)
    ring_print: list[float] | None = None
    # the frames of the same ring read from its sharp ink (reading.sharp_ink; colour seals): a second opinion
    ring_ctc_sharp: list[list[tuple[str, float]]] | None = None


class Page(BaseModel):
    """One page of one stored file, read through its text layer or OCR."""
    file: str                     # packet-relative path
    index: int                    # 1-based
    width: float                  # points
    height: float
    text_layer: bool = False      # a usable text layer was found and used
    ocr: bool = False             # the text came from OCR
    rotation: int = 0             # degrees the page image was turned to read it (0/90/180/270)
    skew: float = 0.0             # degrees corrected
    image_sha256: str | None = None
    grey: bool = False            # a scan without colour: red seals cannot be told by their ink
    grey_image: bool = False      # the scan image itself has one channel (DeviceGray, mode L): grey for certain
    unread_ink: list[BBox] = PField(default_factory=list)   # grey scans: ink outside every read line (pipeline.read.ink)
    ink_mapped: bool = False      # unread_ink was made for this page (no map: nothing may be called blank by it)
    lines: list[TextLine] = PField(default_factory=list)
    tables: list[Table] = PField(default_factory=list)
    seals: list[Seal] = PField(default_factory=list)
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def ref(self) -> tuple[str, int]:
        return (self.file, self.index)


class Field(BaseModel):
    """An extracted, typed value with its provenance."""
    name: str
    value: Any = None
    raw: str | None = None
    evidence: Evidence | None = None
    confidence: float = 1.0
    repaired: str | None = None   # what was repaired and why (e.g. "USCC check character O→0")


class DocKind(str, Enum):
    application_form = "application_form"
    survey_report = "survey_report"
    implementation_plan = "implementation_plan"
    business_license = "business_license"
    audit_report = "audit_report"
    tax_report = "tax_report"                 # 企业所得税汇算清缴报告, accepted in place of an audit report
    financial_statements = "financial_statements"
    commitment_letter = "commitment_letter"
    other = "other"


class Section(BaseModel):
    """A part of the 申报书: cover, table1, table2 (one per enterprise), tables345."""
    name: str
    page: int                      # page number within the document's file
    file: str
    party_uscc: str | None = None
    party_name: str | None = None


class Document(BaseModel):
    """Consecutive pages of one kind, tied to one party (or to the packet)."""
    kind: DocKind
    pages: list[tuple[str, int]]   # (file, page) in reading order; may span files
    section: str | None = None     # 申报书 part: cover | table1 | table2 | tables345 (one Document each)
    party_uscc: str | None = None
    party_name: str | None = None
    party_key: str | None = None
    text_layer: bool = True
    ocr: bool = False
    sections: list[Section] = PField(default_factory=list)
    fields: dict[str, Field] = PField(default_factory=dict)
    rows: list[dict[str, Field]] = PField(default_factory=list)   # product rows, parties of 表一 …
    extra: dict[str, Any] = PField(default_factory=dict)

    @property
    def file(self) -> str:
        return self.pages[0][0]

    def value(self, name: str, default: Any = None) -> Any:
        f = self.fields.get(name)
        return default if f is None or f.value is None else f.value
