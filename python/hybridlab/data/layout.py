"""Phase 2 of an import (src/data/layout.ts): labels and splits from paths and formats.
  - Labels: formats that carry labels keep them; otherwise the first folder under the dataset root is
    the class, lone wrapper folders are skipped, loose images at the root are unlabelled (-1).
  - Splits: forced per input, or train/ + test/ folders, or names like test_batch / t10k; otherwise a
    seeded, stratified hold-out (10% by default)."""

from dataclasses import dataclass
from typing import Dict, List, Optional

from ..seeding import Rng, mix_seed, shuffle_in_place

TRAIN_NAMES = ["train", "training"]
TEST_NAMES = ["test", "testing", "val", "valid", "validation"]


@dataclass
class Planned:
    ref: tuple  # ("image", ImageItem) or ("raw", RawGroup, index)
    label: int


def wrapper_depth(paths: List[List[str]], start: int) -> int:
    """Skips folders that are alone at their level (a lone class folder would make a one-class dataset)."""
    d = start
    while paths and all(len(p) >= d + 2 and p[d] == paths[0][d] for p in paths):
        d += 1
    return d


def _label_within(items, hint, start):
    d = wrapper_depth([i.segments for i in items], start)
    return [(item, hint, item.segments[d] if len(item.segments) > d + 1 else None) for item in items]


def _label_by_folders(items, skip):
    if any(i.split is not None for i in items):
        out = []
        for hint in ("train", "test", None):
            out += _label_within([i for i in items if i.split == hint], hint, 0)
        return out
    d = wrapper_depth([i.segments for i in items], 0)
    tops = list(dict.fromkeys(i.segments[d] for i in items if len(i.segments) > d + 1))

    def find(names):
        return next((t for n in names for t in tops if t.lower() == n), None)

    train_dir, test_dir = find(TRAIN_NAMES), find(TEST_NAMES)
    if train_dir is None or test_dir is None:
        return _label_within(items, None, d)
    groups: Dict[str, list] = {"train": [], "test": []}
    for item in items:
        top = item.segments[d] if len(item.segments) > d + 1 else None
        if top == train_dir:
            groups["train"].append(item)
        elif top == test_dir:
            groups["test"].append(item)
        else:
            skip(item.display, f"outside the {train_dir}/ and {test_dir}/ folders that split this dataset")
    return _label_within(groups["train"], "train", d + 1) + _label_within(groups["test"], "test", d + 1)


def _choose_test(records, seed: int, fraction: float) -> List[bool]:
    is_test = [False] * len(records)
    use_hints = any(r[2] == "train" for r in records) and any(r[2] == "test" for r in records)
    by_label: Dict[int, List[int]] = {}
    for i, (_, label, hint) in enumerate(records):
        if use_hints and hint is not None:
            is_test[i] = hint == "test"
        else:
            by_label.setdefault(label, []).append(i)
    rng = Rng(mix_seed(seed, 0x5B117))
    for members in by_label.values():
        order = shuffle_in_place(list(members), rng)
        for k in range(int(len(members) * fraction + 0.5)):  # Math.round
            is_test[order[k]] = True
    return is_test


def plan(scan, seed: int = 0, test_fraction: float = 0.1):
    """(class names, train [Planned], test [Planned], skipped [(name, reason)])."""
    class_names: List[str] = []
    index: Dict[str, int] = {}

    def class_of(name: Optional[str]) -> int:
        if name is None:
            return -1
        if name not in index:
            index[name] = len(class_names)
            class_names.append(name)
        return index[name]

    skipped = []
    records = []  # (ref, label, hint)
    for group in scan.raws:
        mapping = [class_of(n) for n in group.class_names]
        for i, label in enumerate(group.labels.tolist()):
            records.append((("raw", group, i), mapping[label] if label >= 0 else -1, group.split))
    labelled = {id(item): (hint, cls) for item, hint, cls in _label_by_folders(scan.images, lambda n, r: skipped.append((n, r)))}
    for item in scan.images:  # class ids in the order images were given, not sorted
        if id(item) in labelled:
            hint, cls = labelled[id(item)]
            records.append((("image", item), class_of(cls), hint))
    test = _choose_test(records, seed, test_fraction)
    train_part = [Planned(r[0], r[1]) for r, t in zip(records, test) if not t]
    test_part = [Planned(r[0], r[1]) for r, t in zip(records, test) if t]
    return class_names, train_part, test_part, skipped
