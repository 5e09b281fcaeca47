"""E-mail sources: .eml, .mbox, Maildir and IMAP (imap-tools). One e-mail = one submission."""
from __future__ import annotations

import email
import hashlib
import re
import mailbox
from collections.abc import Callable, Iterator
from email.policy import Compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from pipeline.ingest.collect import Collector
from pipeline.ingest.model import Limits, Submission, sha_id
from pipeline.ingest.names import attachment_name, header_text, safe_component
from pipeline.store.blobs import BlobStore


class _RawHeaders(Compat32):
    """compat32, but header values stay str (raw 8-bit bytes surrogate-escaped, decoded by names.py)."""

    def header_fetch_parse(self, name, value):
        return value.rstrip("\r\n")


RAW = _RawHeaders()


Skip = Callable[[str], bool] | None


def mail_id(mid: str | None, raw: bytes) -> str:
    """Submission id of an e-mail: its Message-ID, else the sha256 of its bytes."""
    return sha_id("mail", mid) if mid else sha_id("mail-bytes", hashlib.sha256(raw).hexdigest())


def parse_message(raw: bytes, source: str, blobs: BlobStore, limits: Limits | None = None,
                  skip: Skip = None) -> Submission | None:
    """One e-mail (bytes as received) -> a Submission; the raw message is kept in the blob store.
    None when skip(id) says it was registered before (its attachments are not even decoded)."""
    msg = email.message_from_bytes(raw, policy=RAW)
    mid = (msg.get("Message-ID") or "").strip() or None
    if skip is not None and skip(mail_id(mid, raw)):
        return None
    raw_sha, _ = blobs.put(raw)
    sender = None
    try:
        addrs = getaddresses([header_text(msg.get("From"))])
        sender = addrs[0][1].lower() if addrs and addrs[0][1] else header_text(msg.get("From")) or None
    except Exception:  # noqa: BLE001
        sender = None
    sent = None
    try:
        if msg.get("Date"):
            sent = parsedate_to_datetime(str(msg.get("Date"))).isoformat()
    except (TypeError, ValueError):
        sent = None
    sub = Submission(id=mail_id(mid, raw), kind="mail",
                     source=source, message_id=mid, sender=sender,
                     subject=header_text(msg.get("Subject")).strip() or None, sent_at=sent,
                     raw_sha256=raw_sha)
    col = Collector(sub, blobs, limits)
    n = 0
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = attachment_name(part)
        disp = (part.get("Content-Disposition") or "").lower()
        ctype = part.get_content_type()
        if not name:
            if "attachment" not in disp and ctype.startswith(("text/", "multipart/", "message/")):
                continue                      # the mail body, not a file
            n += 1
            ext = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
                   "application/zip": ".zip"}.get(ctype, ".bin")
            name = f"附件{n}{ext}"
        n += 1 if name else 0
        try:
            data = part.get_payload(decode=True)
        except Exception as e:  # noqa: BLE001
            col.problem(name, f"附件无法解码（{e}）")
            continue
        if data is None:
            col.problem(name, "附件内容为空或无法解码")
            continue
        col.add_bytes(data, safe_component(name), origin=f"{mid or raw_sha}#{name}")
    return sub


def _some(subs) -> list[Submission]:
    return [s for s in subs if s is not None]


def read_eml(path: Path, blobs: BlobStore, limits: Limits | None = None, skip: Skip = None) -> list[Submission]:
    return _some([parse_message(path.read_bytes(), str(path), blobs, limits, skip)])


def read_mbox(path: Path, blobs: BlobStore, limits: Limits | None = None, skip: Skip = None) -> list[Submission]:
    box = mailbox.mbox(str(path), create=False)
    try:
        return _some([parse_message(box.get_bytes(k), f"{path}#{i}", blobs, limits, skip)
                      for i, k in enumerate(box.keys())])
    finally:
        box.close()


def is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / d).is_dir() for d in ("cur", "new", "tmp"))


def read_maildir(path: Path, blobs: BlobStore, limits: Limits | None = None, skip: Skip = None) -> list[Submission]:
    box = mailbox.Maildir(str(path), factory=None, create=False)
    out = _some([parse_message(box.get_bytes(k), f"{path}#{k}", blobs, limits, skip) for k in sorted(box.keys())])
    return sorted(out, key=lambda s: (s.sent_at or "", s.id))


def imap_messages(url: str, skip: Skip = None) -> Iterator[tuple[str, bytes]]:
    """(uid, raw bytes) of every message of imap[s]://user:pass@host:port/FOLDER, left unseen.
    Message-IDs are fetched first; bodies only of messages that skip() does not refuse."""
    from imap_tools import MailBox, MailBoxUnencrypted
    u = urlparse(url)
    folder = unquote(u.path.lstrip("/")) or "INBOX"
    user, pw = unquote(u.username or ""), unquote(u.password or "")
    port = u.port or (993 if u.scheme == "imaps" else 143)
    if u.scheme == "imaps":     # verified TLS; SHENBAO_IMAP_CAFILE adds a private CA (test server)
        import os
        import ssl
        ctx = ssl.create_default_context(cafile=os.environ.get("SHENBAO_IMAP_CAFILE") or None)
        box = MailBox(u.hostname, port, ssl_context=ctx)
    else:
        box = MailBoxUnencrypted(u.hostname, port)
    with box.login(user, pw, initial_folder=folder) as mb:
        uids = mb.uids()
        known: set[str] = set()
        if skip is not None and uids:
            typ, data = mb.client.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            for d in data if typ == "OK" else []:
                if isinstance(d, tuple) and len(d) == 2:
                    m_uid = re.search(rb"UID (\d+)", d[0])
                    m_id = email.message_from_bytes(d[1]).get("Message-ID")
                    if m_uid and m_id and skip(mail_id(m_id.strip(), b"")):
                        known.add(m_uid.group(1).decode())
        for uid in uids:
            if uid in known:
                continue
            typ, data = mb.client.uid("FETCH", uid, "(BODY.PEEK[])")
            if typ != "OK":
                continue
            raw = next((d[1] for d in data if isinstance(d, tuple) and len(d) == 2), None)
            if raw is not None:
                yield uid, raw


def read_imap(url: str, blobs: BlobStore, limits: Limits | None = None, skip: Skip = None) -> list[Submission]:
    u = urlparse(url)
    shown = f"{u.scheme}://{u.username}@{u.hostname}:{u.port or ''}{u.path}"   # no password
    out = _some([parse_message(raw, f"{shown}#{uid}", blobs, limits, skip) for uid, raw in imap_messages(url, skip)])
    return sorted(out, key=lambda s: (s.sent_at or "", s.id))
