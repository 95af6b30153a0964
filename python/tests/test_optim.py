"""AdamW as the app applies it: decay on linear matrices only, a step count per parameter, and the
warm-up keyed to the run's step."""

import math
from dataclasses import replace

import numpy as np
import torch

from conftest import MICRO, make_bundle
from hybridlab.config import TrainConfig
from hybridlab.data import Dataset, ImageSet
from hybridlab.distributed import Placement
from hybridlab.model import HybridTransformer
from hybridlab.optim import build_optimizer, export_optimizer_state, load_optimizer_state, set_lr, warmed_up_lr
from hybridlab.trainer import Trainer

TRAIN = TrainConfig(batch=4, warmupSteps=50, weightDecay=0.05, seed=7)


def reference_adamw(p, grads, lrs, decay, wd=0.05, b1=0.9, b2=0.999, eps=1e-8):
    """src/model/optimizer.ts written out in float64, one update per gradient."""
    p, m, v = p.astype(np.float64), 0.0, 0.0
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p * (1 - lr * wd * decay) - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


def test_three_updates_match_the_app_formula_with_decay_on_matrices_only():
    torch.manual_seed(0)
    model = HybridTransformer(MICRO.model)
    optimizer = build_optimizer(model, TRAIN)
    w, b = model.patch_embed.weight, model.patch_embed.bias  # "patch_embed/w" decays, "patch_embed/b" does not
    w0, b0 = w.detach().numpy().copy(), b.detach().numpy().copy()
    rng = np.random.default_rng(3)
    grads = [(rng.normal(size=w0.shape), rng.normal(size=b0.shape)) for _ in range(3)]
    lrs = [warmed_up_lr(1e-2, 2, step) for step in range(3)]  # 0.005, 0.01, 0.01
    assert lrs == [0.005, 0.01, 0.01]
    for (gw, gb), lr in zip(grads, lrs):
        w.grad, b.grad = torch.tensor(gw, dtype=torch.float32), torch.tensor(gb, dtype=torch.float32)
        set_lr(optimizer, lr)
        optimizer.step()
    assert np.allclose(w.detach().numpy(), reference_adamw(w0, [g for g, _ in grads], lrs, 1.0), rtol=0, atol=1e-6)
    assert np.allclose(b.detach().numpy(), reference_adamw(b0, [g for _, g in grads], lrs, 0.0), rtol=0, atol=1e-6)


def test_a_parameter_without_gradients_keeps_its_count_and_moves_by_lr_when_it_comes_back():
    torch.manual_seed(0)
    model = HybridTransformer(MICRO.model)
    optimizer = build_optimizer(model, TRAIN)
    frozen = model.con_fc2.bias  # the contrastive head while λ_con = 0
    set_lr(optimizer, 1e-3)
    for _ in range(200):
        optimizer.zero_grad(set_to_none=True)
        model.patch_embed.bias.grad = torch.ones_like(model.patch_embed.bias)
        optimizer.step()
    assert frozen not in optimizer.state
    before = frozen.detach().clone()
    frozen.grad = torch.full_like(frozen, 0.3)
    optimizer.step()
    assert float(optimizer.state[frozen]["step"]) == 1  # its own count, not the 201st update
    assert torch.allclose(before - frozen.detach(), torch.full_like(frozen, 1e-3), rtol=1e-4)  # 1.0× lr, as PyTorch


def test_state_round_trips_through_the_bundle_tensors_with_counts_per_variable():
    torch.manual_seed(0)
    model = HybridTransformer(MICRO.model)
    optimizer = build_optimizer(model, TRAIN)
    set_lr(optimizer, 1e-3)
    for step in range(3):
        for name, p in model.named_parameters():
            p.grad = None if (name.startswith("con_") and step < 2) else torch.randn_like(p)
        optimizer.step()
    state = export_optimizer_state(optimizer, model)
    assert state["con_fc1/w/t"][0] == 1 and state["enc0/qkv/w/t"][0] == 3
    assert np.array_equal(state["enc0/qkv/w/m"], optimizer.state[model.encoder[0].attn.qkv.weight]["exp_avg"].numpy().T)
    other_model = HybridTransformer(MICRO.model)
    other = build_optimizer(other_model, TRAIN)
    load_optimizer_state(other, other_model, state)
    again = export_optimizer_state(other, other_model)
    assert all(np.array_equal(again[k], state[k]) for k in state)


def test_the_warm_up_follows_the_run_step_not_the_adam_counts():
    # A run at step 10 whose optimizer never updated (counts 0): its next update uses lr·11/50.
    cfg = replace(MICRO, train=replace(MICRO.train, warmupSteps=50))
    bundle = make_bundle(cfg, step=10)
    rng = np.random.default_rng(0)
    data = Dataset(
        "fake",
        [],
        ImageSet(rng.integers(0, 256, (8, 8, 8, 3), dtype=np.uint8), np.zeros(8, np.int64)),
        ImageSet(np.zeros((0, 8, 8, 3), np.uint8), np.zeros(0, np.int64)),
    )
    trainer = Trainer(bundle, data, Placement(0, 1, 0, torch.device("cpu")))
    before = trainer.model.start.detach().clone()
    trainer.train_step()
    moved = (trainer.model.start.detach() - before).abs()
    lr = MICRO.hyper.lr * 11 / 50
    assert math.isclose(trainer.optimizer.param_groups[0]["lr"], lr)
    assert torch.allclose(moved, torch.full_like(moved, lr), rtol=1e-3)  # Adam's first step moves by lr
    assert warmed_up_lr(1e-3, 0, 0) == 1e-3
