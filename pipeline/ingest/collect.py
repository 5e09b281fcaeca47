"""Adding one file (or archive) to a submission: store its bytes, check it opens, expand zips safely."""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from models.packet import FileProblem, StoredFile
from pipeline.ingest.model import Limits, Submission, media_type, unique_path
from pipeline.ingest.names import safe_component, split_safe, zip_member_name
from pipeline.store.blobs import BlobStore

PDF_EXT = {".pdf"}
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
OFFICE_EXT = {".docx", ".xlsx", ".doc", ".xls", ".wps", ".et"}
ARCHIVE_EXT = {".zip"}
UNSUPPORTED_ARCHIVES = {".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"}
JUNK = {".ds_store", "thumbs.db", "desktop.ini", "truth.json"}   # truth.json: devset answer key


def sniff(data_head: bytes, name: str) -> str:
    """Kind of a file from its first bytes, falling back on its extension."""
    if data_head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data_head[:1024]:
        return "pdf"
    if data_head[:4] == b"PK\x03\x04" or data_head[:4] == b"PK\x05\x06":
        ext = PurePosixPath(name).suffix.lower()
        return "office" if ext in OFFICE_EXT else "zip"
    if data_head[:3] == b"\xff\xd8\xff" or data_head[:8] == b"\x89PNG\r\n\x1a\n" \
            or data_head[:2] == b"BM" or data_head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if data_head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":       # OLE: .doc/.xls/.wps
        return "office"
    ext = PurePosixPath(name).suffix.lower()
    if ext in PDF_EXT:
        return "pdf"
    if ext in IMAGE_EXT:
        return "image"
    if ext in OFFICE_EXT:
        return "office"
    if ext in ARCHIVE_EXT:
        return "zip"
    if ext in UNSUPPORTED_ARCHIVES or data_head[:4] == b"Rar!" or data_head[:6] == b"7z\xbc\xaf\x27\x1c":
        return "archive"
    return "other"


def check_opens(kind: str, path: Path) -> str | None:
    """None if the file opens, else a Chinese reason (→ DOC_UNREADABLE)."""
    try:
        if kind == "pdf":
            import pypdfium2 as pdfium
            try:
                doc = pdfium.PdfDocument(str(path))
            except pdfium.PdfiumError as e:
                msg = str(e)
                if "password" in msg.lower():
                    return "PDF 已加密，无法打开"
                return f"PDF 文件损坏，无法打开（{msg}）"
            try:
                if len(doc) == 0:
                    return "PDF 没有页面"
            finally:
                doc.close()
        elif kind == "image":
            from PIL import Image
            with Image.open(path) as im:
                im.verify()
            with Image.open(path) as im:     # verify() misses truncated data: decode it too
                im.load()
        elif kind == "office":
            head = path.open("rb").read(8)
            if head[:2] == b"PK" and not zipfile.is_zipfile(path):
                return "Office 文件损坏，无法打开"
    except Exception as e:  # noqa: BLE001 - any decoder failure is a problem, never a crash
        return f"文件损坏，无法打开（{type(e).__name__}: {e}）"
    return None


class Collector:
    """Adds files to one submission, sharing one zip-bomb budget over the whole archive tree."""

    def __init__(self, sub: Submission, blobs: BlobStore, limits: Limits | None = None):
        self.sub, self.blobs, self.limits = sub, blobs, limits or Limits()
        self.taken: set[str] = {f.path for f in sub.files}
        self.budget = self.limits.max_total_bytes
        self.members = 0

    def problem(self, path: str, message: str, stored: StoredFile | None = None) -> None:
        self.sub.problems.append(FileProblem(file=path, message=message))
        if stored is not None:
            self.sub.problem_files.append(stored)

    def add_bytes(self, data: bytes, path: str, origin: str | None = None, depth: int = 0) -> None:
        sha, blob = self.blobs.put(data)
        self.add_blob(sha, blob, len(data), path, origin, depth)

    def add_path(self, src: Path, path: str, origin: str | None = None, depth: int = 0) -> None:
        if src.is_symlink():
            self.problem(path, "符号链接，未读取")
            return
        sha, blob, size = self.blobs.put_file(src)
        self.add_blob(sha, blob, size, path, origin, depth)

    def add_blob(self, sha: str, blob: Path, size: int, path: str, origin: str | None, depth: int) -> None:
        if PurePosixPath(path).name.lower() in JUNK:
            return
        with open(blob, "rb") as fh:
            head = fh.read(2048)
        kind = sniff(head, path)
        sf = StoredFile(path=path, sha256=sha, size=size, blob=str(blob),
                        media_type=media_type(path) or {"pdf": "application/pdf"}.get(kind), origin=origin)
        if size == 0:
            self.problem(path, "空文件（0 字节）", sf)
            return
        if kind == "zip":
            self.expand_zip(blob, path, origin, depth, sf)
            return
        if kind == "archive":
            self.problem(path, "不支持的压缩格式（请提供 zip 或直接提供 PDF）", sf)
            return
        if kind == "other":
            self.problem(path, "不支持的文件类型（不是 PDF、图片、Office 文件或压缩包）", sf)
            return
        reason = check_opens(kind, blob)
        if reason:
            self.problem(path, reason, sf)
            return
        sf.path = unique_path(path, self.taken)
        self.sub.files.append(sf)

    def expand_zip(self, blob: Path, path: str, origin: str | None, depth: int, sf: StoredFile) -> None:
        lim = self.limits
        if depth >= lim.max_depth:
            self.problem(path, f"压缩包嵌套超过 {lim.max_depth} 层，未展开", sf)
            return
        try:
            zf = zipfile.ZipFile(blob)
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            self.problem(path, f"压缩包损坏，无法打开（{e}）", sf)
            return
        # members go under the archive's name, except for a zip that is the whole submission
        prefix = [] if (depth == 0 and self.sub.kind == "zip") else \
            [safe_component(p) for p in PurePosixPath(path).with_suffix("").parts]
        src = origin or path
        with zf:
            try:
                infos = zf.infolist()
            except Exception as e:  # noqa: BLE001
                self.problem(path, f"压缩包目录损坏（{e}）", sf)
                return
            for info in infos:
                name = zip_member_name(info)
                shown = "/".join(prefix + [name])
                if info.is_dir():
                    continue
                if name.startswith("__MACOSX/") or PurePosixPath(name).name.lower() in JUNK:
                    continue
                self.members += 1
                if self.members > lim.max_members:
                    self.problem(path, f"压缩包文件数超过上限 {lim.max_members}，其余未展开（疑似压缩炸弹）", sf)
                    return
                parts, bad = split_safe(name)
                if bad:
                    self.problem(shown, f"压缩包内不安全的路径，已拒绝：{bad}")
                    continue
                mode = info.external_attr >> 16
                if mode and stat.S_ISLNK(mode):
                    self.problem(shown, "压缩包内的符号链接，已拒绝")
                    continue
                if info.flag_bits & 0x1:
                    self.problem(shown, "压缩包内文件已加密，无法读取")
                    continue
                if info.file_size > lim.ratio_min_bytes and \
                        info.file_size > lim.max_ratio * max(info.compress_size, 1):
                    self.problem(shown, f"压缩比异常（{info.file_size}/{info.compress_size}），疑似压缩炸弹，已拒绝")
                    continue
                cap = min(lim.max_file_bytes, self.budget)
                if info.file_size > cap:
                    self.problem(shown, f"解压后大小超过上限（{info.file_size} 字节），疑似压缩炸弹，已拒绝")
                    continue
                try:
                    with zf.open(info) as fh:
                        sha, mblob, size = self.blobs.put_stream(_RatioGuard(fh, info.compress_size, lim), cap)
                except ValueError as e:
                    self.problem(shown, f"解压数据超过上限，疑似压缩炸弹，已拒绝（{e}）")
                    continue
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
                    self.problem(shown, f"压缩包内文件损坏，无法解压（{e}）")
                    continue
                self.budget -= size
                self.add_blob(sha, mblob, size, "/".join(prefix + parts),
                              f"{src}!{name}", depth + 1)


class _RatioGuard(io.RawIOBase):
    """Stops a member whose real inflated size outruns its declared compression ratio."""

    def __init__(self, fh, compressed: int, lim: Limits):
        self.fh, self.n = fh, 0
        self.max = max(lim.ratio_min_bytes, int(lim.max_ratio * max(compressed, 1)))

    def read(self, size: int = -1) -> bytes:
        b = self.fh.read(size)
        self.n += len(b)
        if self.n > self.max:
            raise ValueError("压缩比超过上限")
        return b
