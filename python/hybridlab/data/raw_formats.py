"""Raw-pixel formats that carry their labels (src/data/cifar.ts, idx.ts, rawFormats.ts): CIFAR-10/100
.bin batches (+ batches.meta.txt / fine_label_names.txt) and IDX image/label pairs."""

import re
import struct
from dataclasses import dataclass
from typing import Callable, List, Optional

import numpy as np

from .paths import ext_of

CIFAR_PIXELS = 3072
CIFAR10_META, CIFAR100_META, CIFAR100_COARSE_META = "batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt"
META_FILES = (CIFAR10_META, CIFAR100_META, CIFAR100_COARSE_META)


@dataclass
class RawGroup:
    """Records of one raw file: images (count, H, W) gray or (count, H, W, 3) RGB, labels (-1 = none)."""

    display: str
    images: np.ndarray
    labels: np.ndarray
    class_names: List[str]
    split: Optional[str]


def cifar_variant(length: int, prefer100: bool) -> Optional[str]:
    is10 = length > 0 and length % (CIFAR_PIXELS + 1) == 0
    is100 = length > 0 and length % (CIFAR_PIXELS + 2) == 0
    if is10 and is100:
        return "cifar100" if prefer100 else "cifar10"
    return "cifar10" if is10 else "cifar100" if is100 else None


def split_hint(name: str, test_words=("test",), train_words=("train",)) -> Optional[str]:
    n = name.lower()
    if any(w in n for w in test_words):
        return "test"
    if any(w in n for w in train_words):
        return "train"
    return None


def parse_names(text: str) -> List[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_idx(data: bytes):
    """(dims, offset) of an unsigned-byte IDX array, or a reason it is not one."""
    if len(data) < 8 or data[0] != 0 or data[1] != 0:
        return "not an IDX file"
    if data[2] != 0x08:
        return f"IDX element type 0x{data[2]:x} is not unsigned bytes"
    dims = [struct.unpack_from(">I", data, 4 + 4 * i)[0] for i in range(data[3])]
    offset = 4 + 4 * len(dims)
    n = int(np.prod(dims))
    if len(data) != offset + n:
        return f"IDX size mismatch (header says {n} bytes of data, file has {len(data) - offset})"
    return dims, offset


def idx_pair_key(path: str) -> str:
    key = re.sub(r"\.gz$", "", path.lower())
    return re.sub(r"idx\d", "idx*", re.sub(r"images|labels", "*", key))


def _numbered(names: List[str], count: int) -> List[str]:
    return names[:count] + [str(i) for i in range(len(names), count)]


class RawCollector:
    """Takes raw-format files during the scan; resolve() pairs them once every file is seen."""

    def __init__(self, skip: Callable[[str, str], None]):
        self.skip = skip
        self.metas, self.bins, self.idx_images, self.idx_labels = [], [], [], []

    def offer(self, segments: List[str], display: str, data: bytes, kind: str, split: Optional[str]) -> bool:
        name, folder = segments[-1], "/".join(segments[:-1])
        if kind == "text" and name.lower() in META_FILES:
            self.metas.append(
                {
                    "dir": folder,
                    "file": name.lower(),
                    "names": parse_names(data.decode("utf-8", "replace")),
                    "display": display,
                    "used": False,
                }
            )
            return True
        if ext_of(name) == "bin" and kind in ("unknown", "text", "ico"):
            if cifar_variant(len(data), True) is None:
                self.skip(display, ".bin file that is not a whole number of CIFAR-10 (3073-byte) or CIFAR-100 (3074-byte) records")
            else:
                self.bins.append((folder, name, display, data, split))
            return True
        if kind == "idx":
            parsed = parse_idx(data)
            if isinstance(parsed, str):
                self.skip(display, parsed)
                return True
            dims, offset = parsed
            held = (folder, name, display, data, split, dims, offset)
            if len(dims) == 1:
                self.idx_labels.append(held)
            elif len(dims) == 3 or (len(dims) == 4 and dims[3] in (1, 3)):
                self.idx_images.append(held)
            else:
                self.skip(display, f"IDX array of shape [{', '.join(map(str, dims))}] is neither images nor labels")
            return True
        return False

    def _meta(self, file: str, folder: str):
        found = [m for m in self.metas if m["file"] == file]
        return next((m for m in found if m["dir"] == folder), found[0] if found else None)

    def resolve(self) -> List[RawGroup]:
        groups = self._cifar() + self._idx()
        for m in self.metas:
            if not m["used"]:
                self.skip(m["display"], "CIFAR class-name file with no CIFAR .bin batch to name")
        return groups

    def _cifar(self) -> List[RawGroup]:
        has100 = any(m["file"] == CIFAR100_META for m in self.metas)
        groups = []
        for folder, name, display, data, split in self.bins:
            variant = cifar_variant(len(data), has100)
            head = 1 if variant == "cifar10" else 2
            records = np.frombuffer(data, np.uint8).reshape(-1, CIFAR_PIXELS + head)
            labels = records[:, head - 1].astype(np.int64)  # CIFAR-100: <coarse><fine>, the fine label is the class
            images = records[:, head:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # planar R, G, B → (32, 32, 3)
            meta = self._meta(CIFAR10_META if variant == "cifar10" else CIFAR100_META, folder)
            if meta:
                meta["used"] = True
            if variant == "cifar100":
                coarse = self._meta(CIFAR100_COARSE_META, folder)
                if coarse:
                    coarse["used"] = True
            names = meta["names"] if meta else []
            count = max(len(names), int(labels.max()) + 1 if len(labels) else 0)
            hint = split or split_hint(name, ("test",), ("data_batch", "train"))
            groups.append(RawGroup(display, images, labels, _numbered(names, count), hint))
        return groups

    def _idx(self) -> List[RawGroup]:
        labels_by_key = {idx_pair_key(f"{l[0]}/{l[1]}"): l for l in self.idx_labels}
        groups = []
        for folder, name, display, data, split, dims, offset in self.idx_images:
            key = idx_pair_key(f"{folder}/{name}")
            lab = labels_by_key.pop(key, None)
            n = dims[0]
            images = np.frombuffer(data, np.uint8, offset=offset).reshape(dims)
            if images.ndim == 4:
                images = images[..., 0] if dims[3] == 1 else images
            if lab and lab[5][0] != n:
                self.skip(display, f"IDX images ({n}) and labels ({lab[5][0]}) do not match in count")
                self.skip(lab[2], f"IDX labels ({lab[5][0]}) and images ({n}) do not match in count")
                continue
            labels = np.frombuffer(lab[3], np.uint8, offset=lab[6]).astype(np.int64) if lab else np.full(n, -1, np.int64)
            count = int(labels.max()) + 1 if lab and n else 0
            hint = split or split_hint(name, ("t10k", "test"), ("train",))
            groups.append(RawGroup(display, images, labels, _numbered([], count), hint))
        for lab in labels_by_key.values():
            self.skip(lab[2], "IDX labels with no matching images file")
        return groups
