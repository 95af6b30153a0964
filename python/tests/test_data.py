"""Datasets read by the app's rules. Raw formats give the app's bytes exactly: the digests and labels
below were printed by the app's importer (src/data/importer.ts) on the same files."""

import numpy as np
import pytest

from conftest import SHARED
from hybridlab.data import Batcher, ImageSet, import_paths

DATA = SHARED / "datasets"
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
MNIST = ["mnist-idx/t10k-labels-idx1-ubyte.gz", "mnist-idx/t10k-images-idx3-ubyte.gz"]


def digest(pixels: np.ndarray) -> int:
    """h = h·31 + byte (mod 2³²) over every byte, as the app's test printed it."""
    values = pixels.reshape(-1).astype(np.uint64)
    powers = np.cumprod(np.full(len(values), 31, np.uint64))[::-1]  # 31^n … 31^1 (mod 2⁶⁴)
    powers = np.append(powers[1:], np.uint64(1))
    return int((values * powers).sum() & np.uint64(0xFFFFFFFF))


@pytest.mark.parametrize(
    "files, size, known",
    [
        (
            ["cifar10-bin/test_batch_200.bin", "cifar10-bin/batches.meta.txt"],
            16,
            dict(
                train=180,
                test=20,
                train_digest=520529604,
                test_digest=393682971,
                test_labels=[3, 5, 9, 4, 7, 0, 7, 1, 6, 2, 8, 5],
                classes=CIFAR10,
            ),
        ),
        (
            MNIST,
            16,
            dict(
                train=9000,
                test=1000,
                train_digest=1086807687,
                test_digest=3889002852,
                test_labels=[5, 9, 5, 9, 4, 4, 3, 3, 0, 7, 7, 6],
                classes=[str(i) for i in range(10)],
            ),
        ),
        (
            MNIST,
            20,
            dict(
                train=9000,
                test=1000,
                train_digest=2719589636,
                test_digest=1602007347,
                test_labels=[5, 9, 5, 9, 4, 4, 3, 3, 0, 7, 7, 6],
                classes=[str(i) for i in range(10)],
            ),
        ),
    ],
)
def test_raw_formats_give_the_apps_bytes_labels_and_split(files, size, known):
    d = import_paths([str(DATA / f) for f in files], size)
    assert (d.train.count, d.test.count, d.class_names, d.skipped) == (known["train"], known["test"], known["classes"], [])
    assert digest(d.train.pixels) == known["train_digest"]
    assert digest(d.test.pixels) == known["test_digest"]
    assert d.test.labels[:12].tolist() == known["test_labels"]


def test_a_zip_of_class_folders_gives_its_classes_in_archive_order_and_a_stratified_split():
    d = import_paths([str(DATA / "cifar10-test-1k.zip")], 16)
    assert d.class_names == CIFAR10 and d.skipped == []
    assert np.bincount(d.train.labels).tolist() == [90] * 10
    assert np.bincount(d.test.labels).tolist() == [10] * 10
    assert d.train.pixels.shape == (900, 16, 16, 3)


def test_odd_files_are_imported_or_skipped_with_a_one_line_reason():
    d = import_paths([str(DATA / "odd-files")], 16)
    reasons = dict(d.skipped)
    assert reasons["odd-files/empty.png"] == "empty file (0 bytes)"
    assert reasons["odd-files/huge-8000x8000.png"] == "8000x8000 image is over the 50-megapixel limit; not decoded"
    assert reasons["odd-files/not-an-image.jpg"] == reasons["odd-files/zips/not-a-zip.zip"] == "text file, not an image"
    assert "not inflated" in reasons["odd-files/zips/bomb-512MiB.zip: bomb/zeros.png"]
    assert "cannot escape the dataset root" in reasons["odd-files/zips/path-traversal.zip: ../../evil/escape.png"]
    assert reasons["odd-files/truncated.jpg"].startswith("could not be decoded")
    assert all("\n" not in r and "BytesIO" not in r for r in reasons.values())
    # Every file is accounted for: 11 images the browser also reads, 2 TIFFs that Pillow reads and
    # Chromium does not, 2 in the nested zip, 1 each in the macOS, path-traversal and truncated zips.
    assert d.train.count + d.test.count == 18 and len(d.skipped) == 10
    assert d.class_names == ["zips"]  # the first folder level under the dataset; loose files are unlabelled


def test_the_batcher_is_the_apps_stream_of_epoch_permutations():
    images = ImageSet(np.arange(10, dtype=np.uint8).repeat(12).reshape(10, 2, 2, 3), np.zeros(10, np.int64))
    batcher = Batcher(images, 4, seed=1)
    batcher.set_state({"seed": 1, "epoch": 2, "cursor": 0})
    first, indices = batcher.next()
    assert indices.tolist() == [2, 8, 4, 1]  # permutation(10, 1, 2) begins 2, 8, 4, 1 (the app's)
    assert first[:, 0, 0, 0].tolist() == [2, 8, 4, 1]
    batcher.next()
    _, wrapped = batcher.next()  # 5, 3 | 6, 9 | 7, 0 then epoch 3 begins
    assert wrapped[:2].tolist() == [7, 0] and batcher.state["epoch"] == 3 and batcher.state["cursor"] == 2
    with pytest.raises(ValueError, match="does not fit a training set of 10 images"):
        batcher.set_state({"seed": 1, "epoch": 0, "cursor": 11})
