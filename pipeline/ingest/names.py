"""Decoding file names as Chinese senders really write them.

- zip members without the UTF-8 flag (bit 11): Python decodes them as cp437; the bytes are usually
  GBK/GB18030 (Windows 压缩), sometimes UTF-8 written by tools that forget the flag.
- e-mail attachments: RFC 2231 (filename*=gbk''%D6%D0), RFC 2047 (=?GB2312?B?...?=, often really GBK),
  or raw 8-bit GBK bytes in the header.
"""
from __future__ import annotations

import re
import unicodedata
from email.header import decode_header

# GB2312 and GBK labels are decoded as GB18030, their superset (senders mislabel GBK text as GB2312)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
             "cp936": "gb18030", "ms936": "gb18030", "gb_2312-80": "gb18030"}


def codec(label: str | None) -> str:
    lab = (label or "").strip().lower()
    return _SUPERSET.get(lab, lab or "utf-8")


def decode_bytes(raw: bytes, hint: str | None = None) -> str:
    """Bytes of a name in an unknown encoding: hint, then UTF-8, then GB18030, else cp437 (never fails)."""
    for enc in ([codec(hint)] if hint else []) + ["utf-8", "gb18030"]:
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp437")


def zip_member_name(info) -> str:
    """Proper name of a zipfile.ZipInfo, undoing Python's cp437 decoding of GBK/UTF-8 names."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    return decode_bytes(raw)


def _unescape(s: str) -> str:
    """Header text parsed with surrogateescape (raw 8-bit bytes) -> proper Unicode."""
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in s):
        return decode_bytes(s.encode("utf-8", "surrogateescape"))
    return s


def header_text(value) -> str:
    """Decode an RFC 2047 header (any charset label, GB2312 treated as GB18030)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    out = []
    for chunk, cs in decode_header(value):
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, cs) if cs else decode_bytes(chunk))
        else:
            out.append(_unescape(chunk))
    return "".join(out)


def attachment_name(part) -> str | None:
    """File name of an email.message.Message part (compat32), RFC 2231 and 2047 aware."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        if part.get(header) is None:
            continue
        val = part.get_param(param, header=header)
        if val is None:
            continue
        if isinstance(val, tuple):                  # RFC 2231: (charset, language, %-decoded text)
            cs, _lang, text = val
            raw = text.encode("latin-1", "surrogateescape") if isinstance(text, str) else text
            name = decode_bytes(raw, cs)
        else:
            name = header_text(_unescape(val) if "=?" not in val else val)
        name = name.strip().strip('"')
        if name:
            return name
    return None


_BAD = re.compile(r'[\x00-\x1f<>:"|?*]')


def safe_component(name: str) -> str:
    """One path component, cleaned for display/storage (NFC, no control or reserved characters)."""
    name = unicodedata.normalize("NFC", name).strip()
    name = _BAD.sub("_", name)
    return name.strip(". ") or "_"


def split_safe(path: str) -> tuple[list[str], str | None]:
    """Split an archive member path into safe components; second item is a problem text if unsafe."""
    p = path.replace("\\", "/")
    if p.startswith("/") or re.match(r"^[A-Za-z]:", p):
        return [], f"绝对路径：{path}"
    parts = [c for c in p.split("/") if c not in ("", ".")]
    if any(c == ".." for c in parts):
        return [], f"路径穿越（..）：{path}"
    return [safe_component(c) for c in parts], None
