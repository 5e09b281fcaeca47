"""Ingestion: sources (folder, zip, PDF, .eml, .mbox, Maildir, IMAP) -> submissions of stored files.

    from pipeline.ingest import ingest, ingest_packet
    subs = ingest("imap://user:pw@127.0.0.1:1143/INBOX", BlobStore(dir))   # one Submission per e-mail
    packet, problems = ingest_packet("申报材料.zip", store_dir)             # a single packet
"""
from __future__ import annotations

from pathlib import Path

from models.packet import FileProblem, Packet
from pipeline.ingest.model import Limits, Submission
from pipeline.ingest.sources import SourceError, ingest
from pipeline.store.blobs import BlobStore


def ingest_packet(source: str, store_dir: str | Path, limits: Limits | None = None,
                  packet_id: str | None = None) -> tuple[Packet, list[FileProblem]]:
    """One source as one packet (all its submissions' files together): for `shenbao review SOURCE`."""
    subs = ingest(source, BlobStore(store_dir), limits)
    files, problems, taken = [], [], set()
    for s in subs:
        for f in s.files:
            if f.path in taken:
                from pipeline.ingest.model import unique_path
                f = f.model_copy(update={"path": unique_path(f.path, taken)})
            taken.add(f.path)
            files.append(f)
        problems.extend(s.problems)
    pid = packet_id or (subs[0].id[:12] if subs else Path(source).stem)
    return Packet(id=pid, source=source, files=files), problems


__all__ = ["ingest", "ingest_packet", "Limits", "Submission", "SourceError"]
