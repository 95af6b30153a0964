"""What a file is, from its first bytes (src/data/sniff.ts), and why a kind is not imported."""

import struct

IMAGE_KINDS = {"png", "jpeg", "gif", "webp", "bmp", "avif", "heic", "tiff", "ico"}
_IDX_ELEMENT = {0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}


def is_idx_header(b: bytes) -> bool:
    if len(b) < 8 or b[0] != 0 or b[1] != 0:
        return False
    element, dims = _IDX_ELEMENT.get(b[2]), b[3]
    if not element or not 1 <= dims <= 4 or len(b) < 4 + 4 * dims:
        return False
    n = element
    for i in range(dims):
        n *= struct.unpack_from(">I", b, 4 + 4 * i)[0]
    return len(b) == 4 + 4 * dims + n


def sniff(b: bytes) -> str:
    if not b:
        return "empty"
    if b[:4] == b"\x89PNG" and b[4:6] == b"\r\n":
        return "png"
    if b[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(b) >= 12 and b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "webp"
    if len(b) >= 18 and b[:2] == b"BM" and (b[14] | b[15] << 8) in (12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if len(b) >= 12 and b[4:8] == b"ftyp":
        brands = b[8:40].decode("latin1")
        if "avif" in brands or "avis" in brands:
            return "avif"
        if any(x in brands for x in ("heic", "heix", "heis", "heim", "hevc", "hevx", "mif1", "msf1")):
            return "heic"
    if b[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if len(b) >= 6 and b[:4] == b"\x00\x00\x01\x00" and b[4] > 0:
        return "ico"
    if b[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if b[:3] == b"\x1f\x8b\x08":
        return "gzip"
    if is_idx_header(b):
        return "idx"
    if b[:5] == b"%PDF-":
        return "pdf"
    return _sniff_text(b)


def _sniff_text(b: bytes) -> str:
    head = b[:1024]
    if 0 in head:
        return "unknown"
    printable = sum(1 for c in head if c in (9, 10, 13) or (c >= 32 and c != 127))
    if printable < len(head) * 0.95:
        return "unknown"
    text = head.decode("utf-8", "replace").lstrip("\ufeff").lstrip().lower()
    if text.startswith("<svg") or (text.startswith("<?xml") and "<svg" in text):
        return "svg"
    if text.startswith("<!doctype html") or "<html" in text:
        return "html"
    return "text"


REASONS = {
    "empty": "empty file (0 bytes)",
    "svg": "SVG is a vector drawing, not a pixel image",
    "html": "HTML page, not an image",
    "pdf": "PDF document, not an image",
    "text": "text file, not an image",
    "idx": "IDX file that is not 8-bit images or labels",
}


def kind_reason(kind: str) -> str:
    return REASONS.get(kind, "not a recognised image, archive or dataset file")
