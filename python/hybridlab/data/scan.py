"""Phase 1 of an import (src/data/scan.ts): walk every input, every zip entry (one nested zip deep) and
gzip member, sniff the content, check the limits that headers allow, and sort each file into an
encoded image (decoded later), a raw-format file, or a skip with its reason."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from PIL import Image

from .paths import check_path, ext_of, strip_ext
from .raw_formats import RawCollector, RawGroup
from .sniff import IMAGE_KINDS, kind_reason, sniff

MiB = 1 << 20
LIMITS = {
    "max_files": 200_000,
    "max_entry_bytes": 256 * MiB,  # one file, zip entry or gzip member, uncompressed
    "max_archive_bytes": 4096 * MiB,  # the declared uncompressed total of one zip
    "max_pixels": 50_000_000,  # one image, from its header
}
MAX_ZIP_DEPTH = 1


@dataclass
class Input:
    """One file as the app would get it: a '/'-separated path under the dataset root, its bytes (or a
    loader), and a forced split for everything in it (None: decided by folders and names)."""

    path: str
    load: Callable[[], bytes]
    split: Optional[str] = None


@dataclass
class ImageItem:
    segments: List[str]
    display: str
    split: Optional[str]
    load: Callable[[], bytes]


@dataclass
class ScanResult:
    images: List[ImageItem] = field(default_factory=list)
    raws: List[RawGroup] = field(default_factory=list)
    skipped: List[tuple] = field(default_factory=list)  # (name, reason)


def _fmt(n: int) -> str:
    return (
        f"{n / (1024 * MiB):.1f} GiB"
        if n >= 1024 * MiB
        else f"{n / MiB:.1f} MiB"
        if n >= MiB
        else f"{n / 1024:.1f} KiB"
        if n >= 1024
        else f"{n} B"
    )


class _Scan:
    def __init__(self, limits: dict):
        self.limits = limits
        self.result = ScanResult()
        self.raw = RawCollector(self.skip)
        self.files = 0
        self.over_limit = 0

    def skip(self, name: str, reason: str) -> None:
        self.result.skipped.append((name, reason))

    def visit(self, segments, display, load, split, zip_depth, gunzipped=False):
        if self.files >= self.limits["max_files"]:
            self.over_limit += 1
            return
        self.files += 1
        try:
            data = load()
        except Exception as error:  # an unreadable file or a damaged zip entry is skipped, never fatal
            return self.skip(display, f"could not be read: {error}")
        name = segments[-1]
        kind = sniff(data)
        if kind not in ("zip", "gzip") and len(data) > self.limits["max_entry_bytes"]:
            return self.skip(display, f"{_fmt(len(data))} is over the {_fmt(self.limits['max_entry_bytes'])} per-file limit")
        if self.raw.offer(segments, display, data, kind, split):
            return
        if kind in IMAGE_KINDS:
            try:
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
            except Exception:
                width = height = 0  # left to the decoder, which says why it cannot
            if width * height > self.limits["max_pixels"]:
                mp = self.limits["max_pixels"] / 1e6
                return self.skip(display, f"{width}x{height} image is over the {mp:.0f}-megapixel limit; not decoded")
            self.result.images.append(ImageItem(segments, display, split, load))
            return
        if kind == "zip":
            if zip_depth > MAX_ZIP_DEPTH:
                return self.skip(display, "zip nested more than one level deep; not opened")
            return self.zip(data, segments, display, split, zip_depth)
        if kind == "gzip":
            if gunzipped:
                return self.skip(display, "gzip inside gzip; not opened")
            declared = struct.unpack_from("<I", data, len(data) - 4)[0] if len(data) >= 18 else 0
            limit = self.limits["max_entry_bytes"]
            if declared > limit:
                return self.skip(display, f"gzip declares {_fmt(declared)}, over the {_fmt(limit)} per-file limit; not inflated")
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                inner = inflater.decompress(data, limit + 1)
                if len(inner) > limit or not inflater.eof:
                    raise ValueError("larger than declared or cut off")
            except (zlib.error, ValueError) as error:
                return self.skip(display, f"damaged gzip: {error}")
            self.files -= 1  # the .gz and its content are one file
            inner_name = strip_ext(name) if ext_of(name) == "gz" else name
            return self.visit(segments[:-1] + [inner_name], display, lambda: inner, split, zip_depth, True)
        self.skip(display, kind_reason(kind))

    def zip(self, data, segments, display, split, zip_depth):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            entries = archive.infolist()
        except (zipfile.BadZipFile, OSError) as error:
            return self.skip(display, f"damaged zip: {error}")
        kept = []
        for entry in entries:
            status, value = check_path(entry.filename)
            if status == "unsafe":
                self.skip(f"{display}: {entry.filename}", value)
            elif status == "ok":
                kept.append((entry, value))
        declared = sum(entry.file_size for entry, _ in kept)
        if declared > self.limits["max_archive_bytes"]:
            limit = _fmt(self.limits["max_archive_bytes"])
            return self.skip(display, f"archive declares {_fmt(declared)} uncompressed, over the {limit} limit; not inflated")
        # Mounted at a folder named after the zip; the zip's own wrapper folder of that name is dropped.
        mount = segments[:-1] + [strip_ext(segments[-1])]
        wrapper = bool(kept) and all(len(segs) > 1 and segs[0] == mount[-1] for _, segs in kept)
        for entry, segs in kept:
            shown = f"{display}: {entry.filename}"
            if entry.file_size > self.limits["max_entry_bytes"]:
                limit = _fmt(self.limits["max_entry_bytes"])
                self.skip(shown, f"declares {_fmt(entry.file_size)} uncompressed, over the {limit} per-file limit; not inflated")
                continue
            self.visit(mount + (segs[1:] if wrapper else segs), shown, lambda e=entry: archive.read(e), split, zip_depth + 1)


def scan(inputs: List[Input], limits: Optional[dict] = None) -> ScanResult:
    state = _Scan(dict(LIMITS, **(limits or {})))
    for item in inputs:
        status, value = check_path(item.path)
        if status == "ignore":
            continue
        if status == "unsafe":
            state.skip(item.path, value)
            continue
        state.visit(value, item.path, item.load, item.split, 0)
    state.result.raws = state.raw.resolve()
    if state.over_limit:
        state.skip(f"{state.over_limit} more files", f"over the {state.limits['max_files']}-file limit; not read")
    return state.result
