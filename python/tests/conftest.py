"""Shared test helpers: paths to the shared reference data, and a tiny model configuration."""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository
sys.path.insert(0, str(ROOT / "python"))
SHARED = Path(os.environ.get("HYBRIDLAB_SHARED", ROOT.parent / "shared"))

from hybridlab.config import Hyper, ModelConfig, RunConfig, TrainConfig  # noqa: E402

MICRO = RunConfig(
    "tiny",
    ModelConfig(imageSize=8, patch=4, dim=16, heads=2, encLayers=1, decLayers=1, mixtures=2, projDim=8),
    TrainConfig(batch=4, warmupSteps=2, weightDecay=0.05, seed=7),
    Hyper(lambdaCon=1.0, lambdaGen=1.0, tau=0.2, lr=1e-3),
)


@pytest.fixture(scope="session")
def reference():
    """../shared/reference/loss_vectors.json (DESIGN.md §6)."""
    with open(SHARED / "reference" / "loss_vectors.json") as f:
        return json.load(f)


def fake_images(n: int, size: int, seed: int = 1):
    """Deterministic integer-valued images (n, S, S, 3) in 0..255, float32."""
    import torch

    g = torch.Generator().manual_seed(seed)
    base = torch.linspace(0, 200, size)[None, :, None, None] + torch.linspace(0, 40, size)[None, None, :, None]
    return (base + torch.randint(0, 56, (n, size, size, 3), generator=g)).clamp(0, 255).round()


def make_bundle(cfg: RunConfig = MICRO, step: int = 0, seed: int = 0):
    """A run bundle as if the app had exported a fresh run: seeded weights, no optimizer history."""
    import numpy as np
    import torch

    from hybridlab.bundle import Bundle
    from hybridlab.model import HybridTransformer
    from hybridlab.state import expected_weight_shapes, export_weights

    torch.manual_seed(seed)
    weights = export_weights(HybridTransformer(cfg.model))
    optimizer = {}
    for name, shape in expected_weight_shapes(cfg.model).items():
        optimizer.update(
            {f"{name}/m": np.zeros(shape, np.float32), f"{name}/v": np.zeros(shape, np.float32), f"{name}/t": np.zeros(1, np.float32)}
        )
    batcher = {"seed": cfg.train.seed, "epoch": 0, "cursor": 0}
    return Bundle("run-1", step, cfg, cfg.hyper, batcher, weights, optimizer, dataset={"name": "fake", "imageSize": 8, "trainCount": 24})


def write_cifar_bin(path, count: int, seed: int = 5) -> None:
    """A CIFAR-10 binary batch of `count` random 32×32 records, record k of class k mod 10."""
    import numpy as np

    rng = np.random.default_rng(seed)
    smooth = np.linspace(0, 180, 32)[None, :] + np.linspace(0, 60, 32)[:, None]
    records = []
    for k in range(count):
        planes = np.clip(smooth[None] + rng.integers(0, 16, (3, 32, 32)) + 7 * (k % 10), 0, 255).astype(np.uint8)
        records.append(bytes([k % 10]) + planes.tobytes())
    path.write_bytes(b"".join(records))
