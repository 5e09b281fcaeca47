"""Turning a source string into submissions: folder, zip, PDF, .eml, .mbox, Maildir, IMAP URL.

A folder that holds loose document files (PDF, images, Office) at its top level, or subfolders named
like packet parts (牵头单位, 企业材料, 服务商 …), is one packet; any other folder is a collection: each of
its entries (folder, zip, PDF, .eml, .mbox, Maildir) is looked at the same way.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipeline.ingest.collect import IMAGE_EXT, OFFICE_EXT, PDF_EXT, Collector
from pipeline.ingest.mail import is_maildir, read_eml, read_imap, read_maildir, read_mbox
from pipeline.ingest.model import Limits, Submission, sha_id
from pipeline.ingest.names import safe_component
from pipeline.store.blobs import BlobStore

DOC_EXT = PDF_EXT | IMAGE_EXT | OFFICE_EXT
COLLECTED = {".zip", ".pdf", ".eml", ".mbox", ".mbx", ".rar", ".7z"}   # entries of a folder of packets


class SourceError(ValueError):
    """The source itself cannot be read (missing path, bad URL): a clear message for the user."""


def _folder_digest(path: Path) -> str:
    import hashlib
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
        st = f.stat()
        h.update(f"{f.relative_to(path).as_posix()}\x1f{st.st_size}\x1f{int(st.st_mtime)}\n".encode())
    return h.hexdigest()


def read_folder(path: Path, blobs: BlobStore, limits: Limits | None = None, skip=None) -> Submission | None:
    """A packet folder: every file under it, packet paths relative to the folder."""
    sid = sha_id("folder", str(path.resolve()), _folder_digest(path))
    if skip is not None and skip(sid):
        return None
    sub = Submission(id=sid, kind="folder", source=str(path), subject=path.name)
    col = Collector(sub, blobs, limits)
    for f in sorted(path.rglob("*")):
        rel = "/".join(safe_component(p) for p in f.relative_to(path).parts)
        if f.is_symlink():
            col.problem(rel, "符号链接，未读取（请提供文件本身）")
        elif f.is_file():
            col.add_path(f, rel, origin=str(f))
    return sub


def read_file(path: Path, blobs: BlobStore, limits: Limits | None = None, skip=None) -> Submission | None:
    """A single zip or PDF (or image) is one packet; its bytes identify the submission."""
    import hashlib
    kind = "zip" if path.suffix.lower() == ".zip" else "pdf" if path.suffix.lower() == ".pdf" else "file"
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    if skip is not None and skip(sha_id(kind, digest)):
        return None
    sha, blob, size = blobs.put_file(path)
    sub = Submission(id=sha_id(kind, sha), kind=kind, source=str(path), subject=path.stem, raw_sha256=sha)
    Collector(sub, blobs, limits).add_blob(sha, blob, size, safe_component(path.name), str(path), 0)
    return sub


PART_WORDS = re.compile(r"牵头|企业|服务商|供应商|成员|申报|材料|附件|执照|审计|财务|报表|承诺|调研|方案|扫描")


def is_packet_folder(path: Path) -> bool:
    """Loose documents at the top, or subfolders named like parts of a packet (牵头单位, 企业材料 …)."""
    children = [c for c in path.iterdir() if not c.name.startswith(".")]
    if any(f.is_file() and f.suffix.lower() in DOC_EXT for f in children):
        return True
    return any(c.is_dir() and not is_maildir(c) and PART_WORDS.search(c.name) for c in children)


def ingest(source: str, blobs: BlobStore, limits: Limits | None = None,
           skip: Callable[[str], bool] | None = None) -> list[Submission]:
    """All submissions of a source, oldest first. Raises SourceError if the source cannot be reached.
    skip(submission_id) -> True leaves out a submission registered before, without decoding it."""
    if source.startswith(("imap://", "imaps://")):
        try:
            return read_imap(source, blobs, limits, skip)
        except OSError as e:
            raise SourceError(f"无法连接邮箱 {source.split('@')[-1]}：{e}") from e
        except Exception as e:  # imap_tools raises its own error classes for login/select
            raise SourceError(f"读取邮箱失败 {source.split('@')[-1]}：{e}") from e
    path = Path(source)
    if not path.exists():
        raise SourceError(f"来源不存在：{source}")
    if path.is_dir():
        if is_maildir(path):
            return read_maildir(path, blobs, limits, skip)
        if is_packet_folder(path):
            return [s for s in [read_folder(path, blobs, limits, skip)] if s is not None]
        out: list[Submission] = []
        for child in sorted(path.iterdir()):
            if child.name.startswith(".") or (child.is_file() and child.suffix.lower() not in COLLECTED):
                continue                      # README, scripts, answer keys beside the packets
            out.extend(ingest(str(child), blobs, limits, skip))
        return out
    ext = path.suffix.lower()
    if ext == ".eml":
        return read_eml(path, blobs, limits, skip)
    if ext in (".mbox", ".mbx") or path.name == "mbox":
        return read_mbox(path, blobs, limits, skip)
    return [s for s in [read_file(path, blobs, limits, skip)] if s is not None]
