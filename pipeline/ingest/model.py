"""What ingestion produces: submissions (one e-mail / zip / folder / PDF) with their stored files."""
from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePosixPath

from pydantic import BaseModel, Field as PField

from models.packet import FileProblem, Packet, StoredFile


class Limits(BaseModel):
    """Zip-bomb and size limits (a violation becomes a FileProblem, never a crash)."""
    max_members: int = 5000
    max_total_bytes: int = 2 * 1024 ** 3      # uncompressed, all members of one archive tree
    max_file_bytes: int = 512 * 1024 ** 2
    max_ratio: float = 200.0                  # uncompressed / compressed, per member
    ratio_min_bytes: int = 1024 ** 2          # ratio is only judged above this size
    max_depth: int = 3                        # nested zips


class Submission(BaseModel):
    id: str                                   # stable: sha256 of message-id or source bytes
    kind: str                                 # mail | zip | folder | pdf | file
    source: str
    message_id: str | None = None
    sender: str | None = None
    subject: str | None = None
    sent_at: str | None = None                # ISO 8601
    raw_sha256: str | None = None             # the message / archive as received (kept in the blob store)
    files: list[StoredFile] = PField(default_factory=list)
    problems: list[FileProblem] = PField(default_factory=list)
    problem_files: list[StoredFile] = PField(default_factory=list)   # kept bytes of unreadable files

    @property
    def is_supplement(self) -> bool:
        from pipeline.ingest.linking import is_supplement
        return is_supplement(self.subject or "")

    def packet(self, packet_id: str | None = None, version: int = 1) -> Packet:
        return Packet(id=packet_id or self.id[:12], source=self.source, files=list(self.files),
                      version=version)


def sha_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


OFFICE = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
          ".wps": "application/vnd.ms-works", ".et": "application/vnd.ms-excel"}


def media_type(name: str) -> str | None:
    ext = PurePosixPath(name).suffix.lower()
    if ext in OFFICE:
        return OFFICE[ext]
    return mimetypes.guess_type(name)[0]


def unique_path(path: str, taken: set[str]) -> str:
    """Packet-relative paths must be unique: 'a.pdf', 'a (2).pdf', ..."""
    if path not in taken:
        taken.add(path)
        return path
    p = PurePosixPath(path)
    i = 2
    while True:
        cand = str(p.with_name(f"{p.stem} ({i}){p.suffix}"))
        if cand not in taken:
            taken.add(cand)
            return cand
        i += 1
