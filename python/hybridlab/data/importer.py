"""Imports a dataset as the app does (src/data/importer.ts): scan → plan labels and splits → decode
and resample into one compact uint8 array per split. Raw formats (CIFAR .bin, IDX) give the app's
bytes exactly; encoded images are decoded by Pillow instead of the browser, so a JPEG or a resized
PNG can differ from the browser's by a level or two (decoders and resamplers round differently)."""

import io
import os
import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import numpy as np
from PIL import Image

from .layout import plan
from .resample import resample_square
from .scan import Input, scan

BACKGROUND = 255  # transparent pixels are shown over white, as the app's decoder draws them


@dataclass
class ImageSet:
    pixels: np.ndarray  # (count, S, S, 3) uint8
    labels: np.ndarray  # (count,) int64, -1 = unlabelled

    @property
    def count(self) -> int:
        return len(self.labels)

    @property
    def size(self) -> int:
        return self.pixels.shape[1]


@dataclass
class Dataset:
    name: str
    class_names: List[str]
    train: ImageSet
    test: ImageSet
    skipped: List[tuple] = field(default_factory=list)


def decode_image(data: bytes, size: int) -> np.ndarray:
    """Encoded image → (size, size, 3) uint8: first frame, EXIF orientation ignored, 16-bit reduced to
    8, alpha over white, gray to RGB, centre-cropped and area-resampled."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        if image.mode.startswith("I"):  # 16-bit gray: the top 8 bits, as a browser reduces it
            return resample_square((np.asarray(image).astype(np.int64).clip(0, 65535) >> 8).astype(np.uint8), size)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        if has_alpha:
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
            alpha = rgba[..., 3:4] / 255.0
            rgb = np.floor(rgba[..., :3] * alpha + BACKGROUND * (1 - alpha) + 0.5).astype(np.uint8)
        else:
            rgb = np.asarray(image.convert("RGB"))
    return resample_square(rgb, size)


def _fill(items, size: int, skipped: list) -> ImageSet:
    pixels = np.zeros((len(items), size, size, 3), np.uint8)
    keep = np.ones(len(items), bool)
    by_group = {}  # a raw file's records are resampled together
    for n, planned in enumerate(items):
        ref = planned.ref
        if ref[0] == "raw":
            _, slots, records = by_group.setdefault(id(ref[1]), (ref[1], [], []))
            slots.append(n)
            records.append(ref[2])
            continue
        try:
            pixels[n] = decode_image(ref[1].load(), size)
        except Exception as error:  # a broken file is a skip line, never a failed import
            why = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-f]+>", "", str(error)) or type(error).__name__
            skipped.append((ref[1].display, f"could not be decoded (damaged or truncated?): {why}"))
            keep[n] = False
    for group, slots, records in by_group.values():
        pixels[slots] = resample_square(group.images[records], size)
    labels = np.array([p.label for p in items], np.int64)
    return ImageSet(pixels[keep], labels[keep])


def import_dataset(name: str, inputs: List[Input], size: int, seed: int = 0, test_fraction: float = 0.1) -> Dataset:
    if not 1 <= size <= 1024:
        raise ValueError(f"image size {size} must be an integer in 1..1024")
    found = scan(inputs)
    class_names, train, test, skipped = plan(found, seed, test_fraction)
    skipped = found.skipped + skipped
    return Dataset(name, class_names, _fill(train, size, skipped), _fill(test, size, skipped), skipped)


def _file_inputs(path: str, split: Optional[str]) -> List[Input]:
    """A file is one input named by its base name; a folder gives every file under it with paths that
    start at the folder's own name, as a browser's folder pick does (files in sorted order)."""
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file or folder: {path}")
    if os.path.isfile(path):
        return [Input(os.path.basename(path), lambda p=path: open(p, "rb").read(), split)]
    root = os.path.dirname(path)
    out = []
    for folder, dirs, files in os.walk(path):
        dirs.sort()
        for file in sorted(files):
            full = os.path.join(folder, file)
            out.append(Input(os.path.relpath(full, root).replace(os.sep, "/"), lambda p=full: open(p, "rb").read(), split))
    return out


def import_paths(data: Sequence[str], size: int, test: Sequence[str] = (), seed: int = 0) -> Dataset:
    """The CLI's --data and --test-data: with --test-data, --data is the train split and --test-data the
    test split as given (as the app's built-in dataset, two zips); without it, the app's rules decide."""
    forced = "train" if test else None
    inputs = [i for p in data for i in _file_inputs(p, forced)] + [i for p in test for i in _file_inputs(p, "test")]
    name = os.path.basename(os.path.normpath(data[0])) if len(data) == 1 else f"{os.path.basename(data[0])} + {len(data) - 1} more"
    return import_dataset(name, inputs, size, seed)
