"""SQLAlchemy 2 tables of the store. The schema is owned by Alembic (alembic/versions)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PacketRow(Base):
    """One application packet (one cluster, one lead unit); grows a version per 补充材料."""
    __tablename__ = "packets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity: Mapped[str] = mapped_column(String(512), index=True)   # provisional key: sender + subject
    lead_name: Mapped[str | None] = mapped_column(String(256), index=True)
    cluster_name: Mapped[str | None] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # pending -> reviewing -> reviewed (a new version puts it back to pending)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reviewed_version: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(String(8))           # pass | fail | review
    merged_into: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submissions: Mapped[list["SubmissionRow"]] = relationship(back_populates="packet",
                                                              order_by="SubmissionRow.seq")


class SubmissionRow(Base):
    """One arrival: an e-mail, a zip, a folder or a PDF."""
    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)   # sha256 of the identity key
    seq: Mapped[int] = mapped_column(Integer, default=0)
    packet_id: Mapped[str | None] = mapped_column(ForeignKey("packets.id"), index=True)
    packet_version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))                   # mail | zip | folder | pdf
    source: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(512))
    sender: Mapped[str | None] = mapped_column(String(256))
    subject: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[str | None] = mapped_column(String(40))
    is_supplement: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_sha256: Mapped[str | None] = mapped_column(String(64))      # the e-mail / zip as received
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    packet: Mapped[PacketRow | None] = relationship(back_populates="submissions")
    files: Mapped[list["FileRow"]] = relationship(back_populates="submission", order_by="FileRow.id")


class FileRow(Base):
    __tablename__ = "files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(128))
    origin: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)               # not None: DOC_UNREADABLE
    submission: Mapped[SubmissionRow] = relationship(back_populates="files")


class RunRow(Base):
    """One review of one packet version (kind batch or recheck); started -> done | failed."""
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    packet_id: Mapped[str] = mapped_column(ForeignKey("packets.id"), index=True)
    packet_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="batch")
    state: Mapped[str] = mapped_column(String(16), default="started")
    status: Mapped[str | None] = mapped_column(String(8))
    worker: Mapped[str | None] = mapped_column(String(128))
    out_dir: Mapped[str | None] = mapped_column(Text)
    rule_pack: Mapped[str | None] = mapped_column(String(128))
    engines: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    file: Mapped[str] = mapped_column(Text)
    page_from: Mapped[int] = mapped_column(Integer)
    page_to: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    party_uscc: Mapped[str | None] = mapped_column(String(32))
    text_layer: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)


class PageRow(Base):
    """A rendered page of a stored file; image_sha256 keys the OCR cache."""
    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    page_no: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[int] = mapped_column(Integer, default=200)
    image_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    width: Mapped[float | None] = mapped_column(Float)
    height: Mapped[float | None] = mapped_column(Float)
    text_layer: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("file_sha256", "page_no", "dpi", name="uq_pages_file_page_dpi"),)


class OcrCacheRow(Base):
    __tablename__ = "ocr_cache"
    image_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    engine: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PartyRow(Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256))
    uscc: Mapped[str | None] = mapped_column(String(32), index=True)
    data: Mapped[Any] = mapped_column(JSON)


class FieldRow(Base):
    """An extracted value with its provenance (where it was read)."""
    __tablename__ = "fields"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    source: Mapped[str] = mapped_column(String(32))                 # license | declared | financials
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    file: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[Any] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    engine: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    code: Mapped[str] = mapped_column(String(48), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    party_uscc: Mapped[str | None] = mapped_column(String(32))
    party_name: Mapped[str | None] = mapped_column(String(256))
    file: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[Any] = mapped_column(JSON)                          # the whole FindingOut


Index("ix_runs_packet_state", RunRow.packet_id, RunRow.state)
