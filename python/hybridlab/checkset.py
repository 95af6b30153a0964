"""The check set of a run bundle (docs/run-bundle.md, "Check set"): numbers the browser computed at
export for a few fixed inputs. Loading a bundle recomputes them with this package's model and refuses
to go on when they differ beyond the tolerances below (float32 on both sides):

    per-image bits/dim of the test images       relative difference ≤ 1e-4
    per-image r(x) of the test images           cosine similarity   ≥ 0.9999
    L_gen (bits/dim), L_con and the total loss  relative difference ≤ 1e-4
    the clean view, redrawn from (seed, step)   identical
    the two augmented views, redrawn            within 0.05 of 255 per sub-pixel

Python writes a check set of its own into the bundles it exports (computed by this model), so its
checkpoints are verified the same way when a run resumes."""

from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

import numpy as np
import torch

from .augment import augment_views, clean_view
from .config import Hyper, RunConfig
from .losses import nt_xent
from .model import HybridTransformer

FORMAT = "hybrid-lab-check-set"
TOLERANCE = {"bitsPerDimRelative": 1e-4, "lossRelative": 1e-4, "representationCosine": 0.9999}
VIEW_TOLERANCE = 0.05  # of 0..255: the browser's bilinear crop in float32 against torch's


class CheckSetMismatch(RuntimeError):
    """The model loaded here does not reproduce the browser's numbers."""


@dataclass
class CheckSet:
    step: int
    seed: int
    hyper: Hyper
    backend: str
    batcher: dict
    batch_indices: List[int]
    test_indices: List[int]
    losses: Dict[str, float]
    tensors: Dict[str, np.ndarray]  # test/images, test/bitsPerDim, test/representation, batch/images, batch/clean, batch/views

    @staticmethod
    def from_json(meta: dict, tensors: Dict[str, np.ndarray]) -> "CheckSet":
        return CheckSet(
            int(meta["step"]),
            int(meta["seed"]),
            Hyper(**meta["hyper"]),
            str(meta["backend"]),
            dict(meta["batcher"]),
            list(meta["batchIndices"]),
            list(meta["testIndices"]),
            {k: float(v) for k, v in meta["losses"].items()},
            tensors,
        )

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "tolerance": TOLERANCE,
            "step": self.step,
            "seed": self.seed,
            "hyper": asdict(self.hyper),
            "backend": self.backend,
            "batcher": self.batcher,
            "batchIndices": self.batch_indices,
            "testIndices": self.test_indices,
            "losses": self.losses,
        }


@dataclass
class Comparison:
    what: str
    measured: float
    limit: float
    ok: bool


@dataclass
class Verification:
    comparisons: List[Comparison] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)

    def add(self, what: str, measured: float, limit: float, at_most: bool = True) -> None:
        ok = bool(measured <= limit) if at_most else bool(measured >= limit)
        self.comparisons.append(Comparison(what, float(measured), limit, ok))

    def report(self) -> str:
        lines = []
        for c in self.comparisons:
            sign = "≤" if "cosine" not in c.what else "≥"
            lines.append(f"  {'ok  ' if c.ok else 'FAIL'} {c.what}: {c.measured:.3g} (needs {sign} {c.limit:g})")
        return "\n".join(lines)


def _relative(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(((a.double() - b.double()).abs() / b.double().abs().clamp(min=1e-12)).max())


@torch.no_grad()
def batch_losses(model: HybridTransformer, clean: torch.Tensor, views: torch.Tensor, hyper: Hyper) -> Dict[str, float]:
    bpd, z = model(clean, views)
    con, top1 = nt_xent(z, hyper.tau)
    gen = bpd.mean()
    return {
        "con": con.item(),
        "conTop1": top1.item(),
        "genBitsPerDim": gen.item(),
        "total": (hyper.lambdaCon * con + hyper.lambdaGen * gen).item(),
    }


@torch.no_grad()
def verify(check: CheckSet, model: HybridTransformer) -> Verification:
    """Recomputes the check set with `model` (its weights at check.step) and compares."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    t = {name: torch.from_numpy(values).to(device) for name, values in check.tensors.items()}
    result = Verification()
    result.add(
        "test bits/dim, max relative difference",
        _relative(model.bits_per_dim(t["test/images"]), t["test/bitsPerDim"]),
        TOLERANCE["bitsPerDimRelative"],
    )
    cosine = torch.nn.functional.cosine_similarity(model.represent(t["test/images"]).double(), t["test/representation"].double(), dim=1)
    result.add("test r(x), min cosine", float(cosine.min()), TOLERANCE["representationCosine"], at_most=False)
    images = t["batch/images"].cpu()
    redrawn_clean = clean_view(images, check.seed, check.step)
    result.add("clean view redrawn from (seed, step), max |difference|", float((redrawn_clean - t["batch/clean"].cpu()).abs().max()), 0.0)
    redrawn_views = augment_views(images, check.seed, check.step)
    result.add(
        "augmented views redrawn, max |difference| of 255", float((redrawn_views - t["batch/views"].cpu()).abs().max()), VIEW_TOLERANCE
    )
    ours = batch_losses(model, t["batch/clean"], t["batch/views"], check.hyper)
    for key, label in (("genBitsPerDim", "L_gen (bits/dim)"), ("con", "L_con"), ("total", "total loss")):
        result.add(
            f"{label}, relative difference",
            abs(ours[key] - check.losses[key]) / max(abs(check.losses[key]), 1e-12),
            TOLERANCE["lossRelative"],
        )
    model.train(was_training)
    return result


def require(check: Optional[CheckSet], model: HybridTransformer, log=print) -> Optional[Verification]:
    """Verifies and raises CheckSetMismatch on any difference beyond tolerance; a bundle without a
    check set (written before the app made them) is reported as unverified and accepted."""
    if check is None:
        log("check set: none in this bundle (exported before check sets existed): the model is not verified")
        return None
    result = verify(check, model)
    log(
        f"check set ({check.backend}, step {check.step}, {len(check.test_indices)} test images, batch of {len(check.batch_indices)}):\n{result.report()}"
    )
    if not result.ok:
        raise CheckSetMismatch("the bundle's check set is not reproduced by this model:\n" + result.report())
    return result


@torch.no_grad()
def compute(
    model: HybridTransformer,
    cfg: RunConfig,
    hyper: Hyper,
    step: int,
    batcher: dict,
    batch_images: torch.Tensor,
    batch_indices: List[int],
    test_images: torch.Tensor,
    test_indices: List[int],
    backend: str,
) -> CheckSet:
    """This model's check set for the batch it would train on next (as src/worker/checkSet.ts)."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    images = batch_images.float().cpu()
    clean = clean_view(images, cfg.train.seed, step)
    views = augment_views(images, cfg.train.seed, step)
    test = test_images.float().to(device)
    losses = batch_losses(model, clean.to(device), views.to(device), hyper)
    tensors = {
        "test/images": test.cpu().numpy(),
        "test/bitsPerDim": model.bits_per_dim(test).cpu().numpy(),
        "test/representation": model.represent(test).cpu().numpy(),
        "batch/images": images.numpy(),
        "batch/clean": clean.numpy(),
        "batch/views": views.numpy(),
    }
    model.train(was_training)
    return CheckSet(
        step, cfg.train.seed, hyper, backend, dict(batcher), list(map(int, batch_indices)), list(map(int, test_indices)), losses, tensors
    )
