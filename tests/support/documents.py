"""Real small documents of each accepted upload type, made the way their own tools make them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook
from pypdf import PdfWriter

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf() -> bytes:
    """A one-page blank PDF written by pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal word-processing package: [Content_Types].xml and word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def xlsx() -> bytes:
    """A workbook saved by openpyxl."""
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 1, height: int = 1) -> bytes:
    """A greyscale PNG of `width` x `height` (the pixel data is only right for small images)."""
    rows = b"".join(b"\x00" + b"\x00" * width for _ in range(min(height, 64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def jpeg(width: int = 1, height: int = 1) -> bytes:
    """The marker skeleton of a baseline JPEG: SOI, APP0, SOF0, SOS, scan bytes, EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    headers = b"".join(
        b"\xff" + marker + struct.pack(">H", len(body) + 2) + body
        for marker, body in ((b"\xe0", app0), (b"\xc0", sof0), (b"\xda", sos))
    )
    return b"\xff\xd8" + headers + b"\x00" * 8 + b"\xff\xd9"
