"""Structure checks of uploaded documents: a file must BE what its type says, not just start like it.

The magic prefix alone let through an HTML page that begins with `%PDF-` and a 1 MB .docx that inflates
to 1 GiB. Each accepted type is now opened the way a reader would open it, within fixed budgets:

- PDF: parsed with pypdf (cross-reference table, trailer, at least one page); markup in the first KiB
  (an HTML/PDF polyglot) is refused.
- DOCX, XLSX, OFD (ZIP packages): the central directory is read with zipfile; at most MAX_MEMBERS
  members, no encrypted members or paths that climb out (`..`, absolute), at most MAX_UNZIPPED bytes
  in all and at most MAX_RATIO times the upload's size (zip bomb), every member inflated in chunks
  to check its size and CRC against the directory, and the package's required parts present
  ([Content_Types].xml and the main part for OOXML, OFD.xml for OFD).
- PNG: the chunk sequence from IHDR to IEND with sane dimensions; JPEG: the marker segments up to the
  scan and the end-of-image marker, with sane dimensions (no Pillow dependency for two headers).

Each check returns None or a bilingual "中文 / English" problem naming what is wrong.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

MAX_MEMBERS = 2000
MAX_UNZIPPED = 100 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 100  # unzipped size / upload size
MAX_PIXELS = 100_000_000  # width x height of an image
CHUNK = 1024 * 1024
OOXML_MAIN = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}
MARKUP = (b"<html", b"<!doctype", b"<script", b"<body", b"<svg", b"<iframe")


def check_pdf(data: bytes) -> str | None:
    """A PDF pypdf can read, with at least one page and no markup in its first KiB."""
    head = data[:1024].lower()
    if any(tag in head for tag in MARKUP):
        return "PDF 文件中含有网页代码 / The PDF contains web page markup"
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return "不接受加密的 PDF / Encrypted PDFs are not accepted"
        if len(reader.pages) < 1:
            return "PDF 文件没有页面 / The PDF has no pages"
    except Exception:  # pypdf raises many kinds for damaged files: any of them means "not a PDF"
        return "PDF 文件无法解析 / The PDF cannot be read"
    return None


def check_zip(data: bytes, package: str) -> str | None:
    """A ZIP package (`package`: "docx", "xlsx" or "ofd") within the size, ratio and member budgets."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return "压缩包结构损坏 / The file is not a readable ZIP package"
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return f"压缩包内文件过多 / The package holds more than {MAX_MEMBERS} files"
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNZIPPED or declared > MAX_RATIO * max(len(data), 1):
            return "压缩包解压后过大（疑似压缩炸弹） / The package expands too much (zip bomb)"
        for member in members:
            name = member.filename.replace("\\", "/")
            if member.flag_bits & 0x1:
                return "不接受加密的压缩包 / Encrypted packages are not accepted"
            if name.startswith("/") or ".." in name.split("/"):
                return f"压缩包内路径非法 / Illegal path in the package: {name[:100]}"
        problem = _inflate_all(archive, members)
        if problem:
            return problem
        names = {m.filename for m in members}
    required = ["OFD.xml"] if package == "ofd" else ["[Content_Types].xml", OOXML_MAIN[package]]
    missing = [name for name in required if name not in names]
    if missing:
        parts = ", ".join(missing)
        return f"文件缺少必需部分 {parts} / The file lacks its required part(s) {parts}"
    return None


def _inflate_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> str | None:
    """Inflate every member in chunks: the directory's sizes and CRCs must be true (zipfile checks them)."""
    budget = MAX_UNZIPPED
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        return "压缩包解压后过大（疑似压缩炸弹） / The package expands too much (zip bomb)"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return "压缩包内容损坏 / A file inside the package is damaged"
    return None


def check_png(data: bytes) -> str | None:
    """PNG chunks from IHDR to IEND, each complete, with 0 < width x height <= MAX_PIXELS."""
    offset, first, ended = 8, True, False
    while offset + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if offset + 12 + length > len(data):
            break
        if first:
            if kind != b"IHDR" or length != 13:
                return "PNG 文件头损坏 / The PNG header is damaged"
            width, height = struct.unpack(">II", data[offset + 8 : offset + 16])
            if not _sane(width, height):
                return "图片尺寸异常 / The image dimensions are not acceptable"
            first = False
        offset += 12 + length
        if kind == b"IEND":
            ended = True
            break
    if first or not ended:
        return "PNG 文件不完整 / The PNG file is incomplete"
    return None


def check_jpeg(data: bytes) -> str | None:
    """JPEG marker segments from SOI to the start of scan, a frame header with sane dimensions, and EOI."""
    offset, size = 2, None
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            return "JPEG 文件结构损坏 / The JPEG structure is damaged"
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if length < 2 or offset + 2 + length > len(data):
            return "JPEG 文件结构损坏 / The JPEG structure is damaged"
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if length < 7:
                return "JPEG 文件结构损坏 / The JPEG structure is damaged"
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: the entropy-coded data follows
            if size is None or not _sane(*size):
                return "图片尺寸异常 / The image dimensions are not acceptable"
            if b"\xff\xd9" not in data[offset + 2 + length :]:
                return "JPEG 文件不完整 / The JPEG file is incomplete"
            return None
        offset += 2 + length
    return "JPEG 文件不完整 / The JPEG file is incomplete"


def _sane(width: int, height: int) -> bool:
    return 0 < width and 0 < height and width * height <= MAX_PIXELS


CHECKS: dict[str, Callable[[bytes], str | None]] = {
    "application/pdf": check_pdf,
    "image/png": check_png,
    "image/jpeg": check_jpeg,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": lambda d: check_zip(d, "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": lambda d: check_zip(d, "xlsx"),
    "application/ofd": lambda d: check_zip(d, "ofd"),
}


def structure_problem(content_type: str, data: bytes) -> str | None:
    """The problem with `data` as `content_type` (one of CHECKS' keys), or None when it is sound."""
    check = CHECKS.get(content_type)
    return check(data) if check else None
