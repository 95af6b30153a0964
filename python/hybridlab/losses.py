"""The two losses of DESIGN.md §1, parameterised exactly as ../shared/reference/make_vectors.py
(pixels x/127.5 − 1, bins of width 2/255, the bins of 0 and 255 open to ±∞, log-scales clamped at −7)."""

import math

import torch
import torch.nn.functional as F

LOG_127_5 = math.log(127.5)


def nt_xent(z: torch.Tensor, tau: float):
    """SimCLR NT-Xent over 2B unit rows z: view 1 of image i is row i, view 2 is row B + i.
    Returns (loss, positive-pair top-1): the mean cross-entropy of each anchor against its other view
    with self-similarity masked, and the fraction of anchors whose nearest other row is the positive."""
    n = z.shape[0]
    b = n // 2
    sim = (z @ z.t()) / tau  # (2B, 2B)
    sim = sim.masked_fill(torch.eye(n, dtype=torch.bool, device=z.device), float("-inf"))
    target = torch.cat([torch.arange(b, n), torch.arange(0, b)]).to(z.device)
    loss = F.cross_entropy(sim, target)
    positive = sim.gather(1, target[:, None])
    top1 = (positive >= sim.max(dim=1, keepdim=True).values).float().mean()  # ties count as hits, as the app
    return loss, top1


def dmol_nll_nats(x: torch.Tensor, logits: torch.Tensor, means: torch.Tensor, log_scales: torch.Tensor) -> torch.Tensor:
    """Per-element negative log-likelihood in nats of a discretised logistic mixture.
    x: integer values 0..255, any shape [...]; parameters [..., M] in the [-1, 1] pixel scale."""
    xs = (x.to(means.dtype) / 127.5 - 1.0).unsqueeze(-1)
    log_scales = log_scales.clamp(min=-7.0)
    inv = torch.exp(-log_scales)
    centered = xs - means
    plus = inv * (centered + 1.0 / 255.0)
    minus = inv * (centered - 1.0 / 255.0)
    log_cdf_plus = plus - F.softplus(plus)  # log σ(plus): the bin of 0 reaches down to −∞
    log_one_minus_cdf_minus = -F.softplus(minus)  # log(1 − σ(minus)): the bin of 255 reaches up to +∞
    cdf_delta = torch.sigmoid(plus) - torch.sigmoid(minus)
    mid = inv * centered
    log_pdf_mid = mid - log_scales - 2.0 * F.softplus(mid) - LOG_127_5  # density × bin width, where Δ cancels
    inner = torch.where(cdf_delta > 1e-5, torch.log(cdf_delta.clamp(min=1e-12)), log_pdf_mid)
    log_probs = torch.where(xs < -0.999, log_cdf_plus, torch.where(xs > 0.999, log_one_minus_cdf_minus, inner))
    return -torch.logsumexp(log_probs + torch.log_softmax(logits, dim=-1), dim=-1)
