"""Ingestion: sources (folder, zip, PDF, .eml, .mbox, Maildir, IMAP) -> submissions of stored files.

    from pipeline.ingest import ingest, packets_from_path
    subs = ingest("imap://user:pw@127.0.0.1:1143/INBOX", BlobStore(dir))   # one Submission per e-mail
    packets = packets_from_path(Path("申报材料.zip"))                        # for `shenbao review`
Files that cannot be read are FileProblem entries (→ DOC_UNREADABLE): `packet.problems` on the
IngestedPacket that packets_from_path returns; their bytes stay in the blob store.
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field as PField

from models.packet import FileProblem, Packet
from pipeline.ingest.model import Limits, Submission, unique_path
from pipeline.ingest.sources import SourceError, ingest
from pipeline.store.blobs import BlobStore

IngestError = SourceError


class IngestedPacket(Packet):
    """A Packet plus the ingest problems of its files (a Packet everywhere one is expected)."""
    problems: list[FileProblem] = PField(default_factory=list)


def default_store_dir() -> Path:
    return Path(os.environ.get("SHENBAO_STORE") or "var/store")


def _packet(pid: str, source: str, subs: list[Submission]) -> IngestedPacket:
    files, problems, taken = [], [], set()
    for s in subs:
        for f in s.files:
            files.append(f.model_copy(update={"path": unique_path(f.path, taken)}))
        problems.extend(s.problems)
    return IngestedPacket(id=pid, source=source, files=files, problems=problems)


def packets_from_path(path: str | Path, store_dir: str | Path | None = None,
                      limits: Limits | None = None) -> list[IngestedPacket]:
    """Packets of a packet folder, a zip, a PDF, or a folder of packets (one per entry); e-mail
    sources give one packet per e-mail. Bytes go to the blob store (default var/store or SHENBAO_STORE).
    Packet ids: the folder / file stem (unique-suffixed). Raises IngestError for a missing source."""
    subs = ingest(str(path), BlobStore(store_dir or default_store_dir()), limits)
    out, seen = [], set()
    for s in subs:
        stem = Path(s.source.split("#")[0]).stem if s.kind != "mail" else s.id[:12]
        pid = unique_path(stem or s.id[:12], seen)
        out.append(_packet(pid, s.source, [s]))
    return out


def ingest_packet(source: str, store_dir: str | Path, limits: Limits | None = None,
                  packet_id: str | None = None) -> tuple[Packet, list[FileProblem]]:
    """One source as one packet (all its submissions' files together)."""
    subs = ingest(source, BlobStore(store_dir), limits)
    p = _packet(packet_id or (subs[0].id[:12] if subs else Path(source).stem), source, subs)
    return p, p.problems


__all__ = ["ingest", "ingest_packet", "packets_from_path", "IngestedPacket", "IngestError", "Limits",
           "Submission", "SourceError"]
