"""Datasets read with the app's importer rules (src/data/, README "Your data"): image files, folders
(the first folder level is the class), zips (one nested level), gzip, CIFAR-10/100 .bin batches with
their name files, and MNIST-style IDX pairs; content is sniffed, not trusted to the extension."""

from .batcher import Batcher
from .importer import Dataset, ImageSet, import_dataset, import_paths

__all__ = ["Batcher", "Dataset", "ImageSet", "import_dataset", "import_paths"]
