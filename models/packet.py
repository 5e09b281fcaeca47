"""A packet as ingested, and the context the checks run in."""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field as PField

from models.provenance import Document, DocKind, Page


class StoredFile(BaseModel):
    """One file of a packet, kept byte for byte (content-addressed by sha256)."""
    path: str                      # packet-relative display path, e.g. "企业材料/康锐/康锐 营业执照.pdf"
    sha256: str
    size: int
    blob: str                      # absolute path of the bytes on disk (store blob or original)
    media_type: str | None = None  # application/pdf, image/jpeg, …
    origin: str | None = None      # e-mail message-id, zip member path, …


class Packet(BaseModel):
    id: str
    source: str                    # folder, zip, PDF or mail the packet came from
    files: list[StoredFile] = PField(default_factory=list)
    version: int = 1               # a 补充材料 e-mail adds a version


class FileProblem(BaseModel):
    """A file that could not be read: becomes DOC_UNREADABLE."""
    file: str
    message: str


class Party(BaseModel):
    """A consortium member: lead unit, enterprise (工业企业) or service provider."""
    key: str                       # L, P1.., E01..
    role: str                      # lead | enterprise | provider
    name: str
    uscc: str | None = None
    listed_in_table1: bool = False
    name_by_ocr: bool = False      # the name was read off an OCR'd form (may carry OCR noise)
    name_readings: int = 1         # how many form readings (cover, 表一 row, 表二 title) gave this very name
    name_as_read: str | None = None  # the form's reading, when the name was corrected from the party's documents
    documents: list[int] = PField(default_factory=list)   # indices into ReviewContext.documents

    def docs(self, ctx: "ReviewContext", kind: DocKind, section: str | None = None) -> list[Document]:
        return [ctx.documents[i] for i in self.documents
                if ctx.documents[i].kind == kind and (section is None or ctx.documents[i].section == section)]


class ReviewContext(BaseModel):
    """Everything the checks may look at."""
    packet: Packet
    application_date: date | None = None
    cluster_name: str | None = None
    pages: dict[str, Page] = PField(default_factory=dict)   # key: f"{file}#{index}"
    documents: list[Document] = PField(default_factory=list)
    parties: list[Party] = PField(default_factory=list)
    problems: list[FileProblem] = PField(default_factory=list)
    rules: dict[str, Any] = PField(default_factory=dict)

    def page(self, file: str, index: int) -> Page | None:
        return self.pages.get(f"{file}#{index}")

    def party(self, key: str) -> Party | None:
        return next((p for p in self.parties if p.key == key), None)

    def docs_of_kind(self, kind: DocKind, section: str | None = None) -> list[Document]:
        return [d for d in self.documents if d.kind == kind and (section is None or d.section == section)]
