"""Fixed-size batches in the app's order (src/data/batcher.ts): one endless stream of seeded per-epoch
permutations cut into batches of exactly `batch` images; an epoch's tail wraps into the next epoch's
first batch. The position is {seed, epoch, cursor}, so a run continues on exactly the same sequence."""

import numpy as np

from ..seeding import permutation
from .importer import ImageSet


class Batcher:
    def __init__(self, images: ImageSet, batch: int, seed: int):
        if images.count == 0:
            raise ValueError("cannot batch an empty image set")
        self.images, self.batch = images, batch
        self.state = {"seed": seed & 0xFFFFFFFF, "epoch": 0, "cursor": 0}
        self.order = permutation(images.count, self.state["seed"], 0)

    def set_state(self, state: dict) -> None:
        if not 0 <= state["cursor"] <= self.images.count or state["epoch"] < 0:
            raise ValueError(
                f"the data position (epoch {state['epoch']}, image {state['cursor']}) does not fit a training set of {self.images.count} images"
            )
        self.state = {"seed": state["seed"] & 0xFFFFFFFF, "epoch": state["epoch"], "cursor": state["cursor"]}
        self.order = permutation(self.images.count, self.state["seed"], self.state["epoch"])

    def next(self):
        """(pixels (batch, S, S, 3) uint8, indices (batch,)) and the position moves on."""
        indices = np.zeros(self.batch, np.int64)
        for k in range(self.batch):
            if self.state["cursor"] >= self.images.count:
                self.state["epoch"] += 1
                self.state["cursor"] = 0
                self.order = permutation(self.images.count, self.state["seed"], self.state["epoch"])
            indices[k] = self.order[self.state["cursor"]]
            self.state["cursor"] += 1
        return self.images.pixels[indices], indices
