"""A run continued in PyTorch: the bundle's model, AdamW state, step, sliders and data position, and
the training step of src/model/trainer.ts, split over the processes of a DDP group.

Each process draws the same global batch of B images (the same seeded data order), takes its B/W
slice, and encodes [clean | view 1 | view 2] of it in one pass. L_gen is the mean bits/dim of its
clean images (DDP's gradient average makes that the mean over the whole batch); L_con is NT-Xent
over all 2B views, gathered from every process, so each image has the same negatives as in the
browser. With one process the step is the browser's step."""

import math
import time
from dataclasses import replace
from typing import Optional

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from . import checkset
from .augment import apply_views, clean_view, draw_view_params
from .bundle import Bundle
from .config import Hyper
from .data import Batcher, Dataset
from .distributed import Placement, gather_rows, mean_over_ranks
from .losses import nt_xent
from .model import HybridTransformer
from .optim import build_optimizer, export_optimizer_state, load_optimizer_state, set_lr, warmed_up_lr
from .seeding import mix_seed, seeded_permutation
from .state import export_weights, load_weights

CHECK_SET_TEST_IMAGES = 8
TEST_STREAM = 0xC4EC5E7  # the app's stream for the check set's test images (src/worker/checkSet.ts)


class Trainer:
    def __init__(self, bundle: Bundle, data: Dataset, place: Placement, hyper: Optional[Hyper] = None):
        cfg = bundle.config
        if cfg.train.batch % place.world:
            raise ValueError(f"the batch of {cfg.train.batch} images does not split evenly over {place.world} processes")
        if data.train.size != cfg.model.imageSize:
            raise ValueError(f"the data is {data.train.size}px but the model expects {cfg.model.imageSize}px")
        if data.train.count < cfg.train.batch:
            raise ValueError(f"the data has {data.train.count} training images, fewer than one batch of {cfg.train.batch}")
        self.bundle, self.data, self.place = bundle, data, place
        self.cfg = cfg
        self.hyper = hyper or bundle.hyper
        self.step = bundle.step
        self.metrics = list(bundle.metrics)
        self.model = HybridTransformer(cfg.model).to(place.device)
        load_weights(self.model, bundle.weights)
        self.optimizer = build_optimizer(self.model, cfg.train)
        load_optimizer_state(self.optimizer, self.model, bundle.optimizer)
        self.batcher = Batcher(data.train, cfg.train.batch, cfg.train.seed)
        self.batcher.set_state(bundle.batcher)
        self.use_con, self.use_gen = self.hyper.lambdaCon > 0, self.hyper.lambdaGen > 0
        self.network = self.model
        if place.distributed:
            # With a loss weight at 0 its branch's parameters get no gradient; DDP must be told.
            unused = not (self.use_con and self.use_gen)
            ids = [place.local_rank] if place.device.type == "cuda" else None
            self.network = DistributedDataParallel(self.model, device_ids=ids, find_unused_parameters=unused)

    def _local(self, images: torch.Tensor):
        """This process's slice of the global batch: its clean images, and both views of them when
        L_con is on (view 1 of image i is row i, view 2 row B + i, as in the app)."""
        b, w, r = self.cfg.train.batch, self.place.world, self.place.rank
        lo, hi = r * b // w, (r + 1) * b // w
        seed = self.cfg.train.seed
        clean = clean_view(images, seed, self.step)[lo:hi]
        if not self.use_con:
            return clean, None
        params = draw_view_params(b, 2, seed, self.step).rows(np.r_[lo:hi, b + lo : b + hi])
        return clean, apply_views(images, params)

    def train_step(self) -> dict:
        """One optimiser step on the next batch; returns the metrics row the app records."""
        started = time.perf_counter()
        pixels, _ = self.batcher.next()
        images = torch.from_numpy(pixels).to(self.place.device).float()
        clean, views = self._local(images)
        hyper = self.hyper
        self.optimizer.zero_grad(set_to_none=True)
        con = top1 = torch.tensor(math.nan)
        if not self.use_gen:  # bits/dim is reported in every case, measured before the update
            with torch.no_grad():
                bpd = self.model.bits_per_dim(clean).mean()
        if self.use_con or self.use_gen:
            bpd_local, z_local = self.network(clean if self.use_gen else None, views)
            loss = torch.zeros((), device=self.place.device)
            if self.use_gen:
                bpd = bpd_local.mean()
                loss = loss + hyper.lambdaGen * bpd
            if self.use_con:
                half = z_local.shape[0] // 2
                everyone = gather_rows(z_local)  # [view 1 | view 2] of each process's images
                z = torch.cat([part[:half] for part in everyone] + [part[half:] for part in everyone])
                con, top1 = nt_xent(z, hyper.tau)
                loss = loss + hyper.lambdaCon * con
            loss.backward()
            set_lr(self.optimizer, warmed_up_lr(hyper.lr, self.cfg.train.warmupSteps, self.step))
            self.optimizer.step()
        bpd = mean_over_ranks(bpd)
        self.step += 1
        seconds = time.perf_counter() - started
        row = {
            "step": self.step,
            "lossTotal": float(hyper.lambdaCon * con + hyper.lambdaGen * bpd) if self.use_con else float(hyper.lambdaGen * bpd),
            "lossCon": float(con),
            "bitsPerDim": float(bpd),
            "conTop1": float(top1),
            "imagesPerSec": self.cfg.train.batch / seconds,
            "msPerStep": seconds * 1000,
            **{k: getattr(hyper, k) for k in ("lambdaCon", "lambdaGen", "tau", "lr")},
        }
        self.metrics.append(row)
        return row

    def check_set(self) -> checkset.CheckSet:
        """This model's check set for the batch it trains on next (the position does not move)."""
        position = dict(self.batcher.state)
        pixels, indices = self.batcher.next()
        self.batcher.set_state(position)
        held = self.data.test if self.data.test.count > 0 else self.data.train
        test_indices = seeded_permutation(held.count, mix_seed(self.cfg.train.seed, TEST_STREAM))[:CHECK_SET_TEST_IMAGES].tolist()
        return checkset.compute(
            self.model,
            self.cfg,
            self.hyper,
            self.step,
            position,
            torch.from_numpy(pixels),
            indices.tolist(),
            torch.from_numpy(held.pixels[test_indices]),
            test_indices,
            f"pytorch {torch.__version__} ({self.place.device.type})",
        )

    def release(self) -> None:
        """Drops the DDP wrapper (its reducer holds the process group) before the group is closed."""
        self.network = self.model

    def to_bundle(self, with_check_set: bool = True) -> Bundle:
        dataset = {"name": self.data.name, "imageSize": self.data.train.size, "trainCount": self.data.train.count}
        return replace(
            self.bundle,
            step=self.step,
            hyper=self.hyper,
            batcher=dict(self.batcher.state),
            weights=export_weights(self.model),
            optimizer=export_optimizer_state(self.optimizer, self.model),
            metrics=list(self.metrics),
            dataset=dataset,
            check_set=self.check_set() if with_check_set else None,
        )
