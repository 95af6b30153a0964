"""AdamW as the app applies it (src/model/optimizer.ts), using torch.optim.AdamW, which already keeps
one step count per parameter and skips parameters without a gradient:
  - decoupled weight decay on the matrices of linear layers only (state.decays);
  - β = (0.9, 0.999), ε = 1e-8;
  - a linear warm-up keyed to the run's step: the update made after `step` steps uses
    lr·min(1, (step + 1) / warmupSteps), whatever any parameter's own Adam count is.
State travels as the bundle's optimizer tensors: "<variable>/m", "<variable>/v" in the app's layout
and "<variable>/t", a [1] tensor with that variable's update count."""

from typing import Dict

import numpy as np
import torch

from .config import TrainConfig
from .model import HybridTransformer
from .state import decays, from_app_layout, named_parameters, to_app_layout

BETAS = (0.9, 0.999)
EPS = 1e-8


def build_optimizer(model: HybridTransformer, train: TrainConfig) -> torch.optim.AdamW:
    decayed = [p for name, p in named_parameters(model) if decays(name)]
    plain = [p for name, p in named_parameters(model) if not decays(name)]
    groups = [{"params": decayed, "weight_decay": train.weightDecay}, {"params": plain, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=0.0, betas=BETAS, eps=EPS)


def warmed_up_lr(lr: float, warmup_steps: int, step: int) -> float:
    """The learning rate of the update that follows `step` steps (the app's effectiveLr(lr, step + 1))."""
    return lr * min(1.0, (step + 1) / warmup_steps) if warmup_steps > 0 else lr


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


def load_optimizer_state(optimizer: torch.optim.AdamW, model: HybridTransformer, tensors: Dict[str, np.ndarray]) -> None:
    """Moments and per-variable update counts from the bundle; a variable never updated (t = 0) keeps
    no state, as in a fresh torch optimizer."""
    for name, param in named_parameters(model):
        t = int(tensors[f"{name}/t"].reshape(-1)[0])
        optimizer.state.pop(param, None)
        if t > 0:
            optimizer.state[param] = {
                "step": torch.tensor(float(t)),
                "exp_avg": from_app_layout(name, tensors[f"{name}/m"]).to(param.device),
                "exp_avg_sq": from_app_layout(name, tensors[f"{name}/v"]).to(param.device),
            }


def export_optimizer_state(optimizer: torch.optim.AdamW, model: HybridTransformer) -> Dict[str, np.ndarray]:
    out = {}
    for name, param in named_parameters(model):
        state = optimizer.state.get(param, {})
        zeros = torch.zeros_like(param)
        out[f"{name}/m"] = to_app_layout(name, state.get("exp_avg", zeros))
        out[f"{name}/v"] = to_app_layout(name, state.get("exp_avg_sq", zeros))
        out[f"{name}/t"] = np.array([float(state["step"]) if "step" in state else 0.0], dtype=np.float32)
    return out
