"""The hybrid generative-contrastive transformer of DESIGN.md §1, as the app builds it
(src/model/params.ts, model.ts, transformer.ts, genHead.ts), written to be read:

    tokens   = [start, patch_embed(x/127.5 − 1)] + pos                    (N+1 tokens of width d)
    encoded  = enc_L(... enc_1(tokens))      pre-LN causal blocks
    r(x)     = rep_ln(mean_t encoded)                                      the representation
    z        = normalize(con_fc2(gelu(con_fc1(r))))                        the contrastive embedding
    decoded  = dec_L(... dec_1(encoded))
    mixture  = gen_head(gen_ln(decoded[:, t]))  predicts patch t from the start token and patches < t

Parameter names follow torch; bundle.py maps them to the app's names ("enc0/qkv/w") and transposes
linear weights (the app stores [in, out], torch [out, in])."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import ModelConfig
from .losses import dmol_nll_nats

LN_EPS = 1e-5  # src/model/ops.ts


def gelu(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x, approximate="tanh")  # GPT-2's tanh form, as ops.ts


def patchify(images: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    """Images [B,S,S,3] → patches [B,N,P·P·3] in raster order, sub-pixels ordered (row, col, channel)."""
    b, g, p = images.shape[0], cfg.grid, cfg.patch
    split = images.reshape(b, g, p, g, p, 3)  # (B, grid row, row in patch, grid col, col in patch, channel)
    return split.permute(0, 1, 3, 2, 4, 5).reshape(b, cfg.num_patches, cfg.patch_dim)


def unpatchify(patches: torch.Tensor, cfg: ModelConfig) -> torch.Tensor:
    b, g, p = patches.shape[0], cfg.grid, cfg.patch
    split = patches.reshape(b, g, g, p, p, 3)
    return split.permute(0, 1, 3, 2, 4, 5).reshape(b, cfg.imageSize, cfg.imageSize, 3)


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.heads = cfg.heads
        self.qkv = nn.Linear(cfg.dim, 3 * cfg.dim)  # columns q | k | v, each split into heads of dh
        self.proj = nn.Linear(cfg.dim, cfg.dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (u.view(b, t, self.heads, d // self.heads).transpose(1, 2) for u in (q, k, v))  # (B, h, T, dh)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)  # (B, h, T, T)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()  # query q sees keys k ≤ q
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)  # heads merged back: (B, T, d)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.fc1 = nn.Linear(cfg.dim, 4 * cfg.dim)
        self.fc2 = nn.Linear(4 * cfg.dim, cfg.dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-LN: x + Attn(LN(x)), then + MLP(LN(·))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.dim, eps=LN_EPS)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.dim, eps=LN_EPS)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        x = x + self.mlp(self.ln2(x))
        return x


class HybridTransformer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        problem = cfg.problem()
        if problem:
            raise ValueError(problem)
        self.cfg = cfg
        d = cfg.dim
        self.patch_embed = nn.Linear(cfg.patch_dim, d)
        self.start = nn.Parameter(torch.zeros(1, d))
        self.pos = nn.Parameter(torch.zeros(cfg.tokens, d))
        self.encoder = nn.ModuleList(Block(cfg) for _ in range(cfg.encLayers))
        self.decoder = nn.ModuleList(Block(cfg) for _ in range(cfg.decLayers))
        self.rep_ln = nn.LayerNorm(d, eps=LN_EPS)
        self.con_fc1 = nn.Linear(d, d)
        self.con_fc2 = nn.Linear(d, cfg.projDim)
        self.gen_ln = nn.LayerNorm(d, eps=LN_EPS)
        self.gen_head = nn.Linear(d, cfg.patch_dim * 3 * cfg.mixtures)  # (sub-pixel, [logits|means|log-scales], M)
        # Values come from a bundle (the app initialises, params.ts); these only make a fresh model usable.
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)
        nn.init.normal_(self.start, std=0.02)
        nn.init.normal_(self.pos, std=0.02)

    # -- the trunk -----------------------------------------------------------------------------------

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """Images [B,S,S,3] with values 0..255 → encoder output [B, N+1, d]."""
        patches = patchify(images.float(), self.cfg) / 127.5 - 1.0  # (B, N, P·P·3) in [-1, 1]
        start = self.start.expand(images.shape[0], 1, -1)  # (B, 1, d)
        x = torch.cat([start, self.patch_embed(patches)], dim=1) + self.pos  # (B, N+1, d)
        for block in self.encoder:
            x = block(x)
        return x

    def decode(self, encoded: torch.Tensor) -> torch.Tensor:
        x = encoded
        for block in self.decoder:
            x = block(x)
        return x  # (B, N+1, d)

    # -- the two heads ------------------------------------------------------------------------------

    def representation(self, encoded: torch.Tensor) -> torch.Tensor:
        """r(x) = LayerNorm(mean over all N+1 positions of the encoder output): (B, d)."""
        return self.rep_ln(encoded.mean(dim=1))

    def project(self, rep: torch.Tensor) -> torch.Tensor:
        """z = normalize(W2·GELU(W1·r)): (B, projDim), unit rows."""
        return F.normalize(self.con_fc2(gelu(self.con_fc1(rep))), dim=1, eps=1e-12)

    def mixture(self, decoded: torch.Tensor):
        """Mixture parameters for every sub-pixel of every patch: three tensors (B, N, P·P·3, M)."""
        n, m = self.cfg.num_patches, self.cfg.mixtures
        h = self.gen_head(self.gen_ln(decoded[:, :n]))  # position t predicts patch t: (B, N, D·3M)
        parts = h.view(h.shape[0], n, self.cfg.patch_dim, 3, m)  # (B, N, D, part, M)
        return parts[..., 0, :], parts[..., 1, :], parts[..., 2, :]  # logits, means, log-scales

    def nll_nats(self, decoded: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        """Per-image negative log-likelihood in nats (B,) of integer-valued images [B,S,S,3]."""
        logits, means, log_scales = self.mixture(decoded)
        per_element = dmol_nll_nats(patchify(images, self.cfg), logits, means, log_scales)  # (B, N, D)
        return per_element.sum(dim=(1, 2))

    # -- what callers use ---------------------------------------------------------------------------

    def forward(self, clean: "torch.Tensor | None", views: "torch.Tensor | None"):
        """One training forward pass, as src/model/trainer.ts: the encoder runs once over
        [clean | views]; the decoder only over the clean rows. Returns (bits/dim per clean image (B,),
        z of the views (2B, projDim)); a branch given None is not computed and returns None."""
        parts = [x for x in (clean, views) if x is not None]
        encoded = self.encode(torch.cat(parts, dim=0))
        b = 0 if clean is None else clean.shape[0]
        bpd = None if clean is None else self.nll_nats(self.decode(encoded[:b]), clean) / self.nats_per_bit_dim
        z = None if views is None else self.project(self.representation(encoded[b:]))
        return bpd, z

    @property
    def nats_per_bit_dim(self) -> float:
        """Divides nats per image into bits per dimension: S·S·3·ln 2."""
        return self.cfg.sub_pixels * math.log(2)

    @torch.no_grad()
    def bits_per_dim(self, images: torch.Tensor) -> torch.Tensor:
        """Exact bits/dim of each image (B,) under the model."""
        return self.nll_nats(self.decode(self.encode(images)), images.round()) / self.nats_per_bit_dim

    @torch.no_grad()
    def represent(self, images: torch.Tensor) -> torch.Tensor:
        return self.representation(self.encode(images))
