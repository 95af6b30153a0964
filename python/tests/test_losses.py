"""The losses against the PyTorch float64 reference of DESIGN.md §6: exact in float64 (the formula),
and within the app's own float32 tolerances (src/model/losses.test.ts) in the dtype training uses."""

import math

import pytest
import torch

from hybridlab.losses import dmol_nll_nats, nt_xent


@pytest.mark.parametrize("dtype, rel", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_nt_xent_matches_the_reference_vectors(reference, dtype, rel):
    for case in reference["nt_xent"]:
        z = torch.nn.functional.normalize(torch.tensor(case["z1"] + case["z2"], dtype=dtype), dim=1)
        loss, top1 = nt_xent(z, case["tau"])
        assert loss.item() == pytest.approx(case["loss"], rel=rel)
        assert top1.item() == case["positive_top1"]


@pytest.mark.parametrize("dtype, rel", [(torch.float64, 1e-12), (torch.float32, 2e-5)])
def test_dmol_matches_the_reference_vectors(reference, dtype, rel):
    for case in reference["dmol"]:
        logits, means, log_scales = (torch.tensor(case[k], dtype=dtype) for k in ("logit_probs", "means", "log_scales"))
        x = torch.tensor(case["x"])
        nats = dmol_nll_nats(x, logits, means, log_scales).sum().item()
        assert nats == pytest.approx(case["nll_nats_total"], rel=rel), case["name"]
        assert nats / (x.numel() * math.log(2)) == pytest.approx(case["bits_per_dim"], rel=rel), case["name"]


def test_the_mixture_is_a_distribution_over_the_256_levels():
    # For any parameters, the probabilities of the 256 values sum to one (the edge bins reach to ±∞).
    torch.manual_seed(3)
    x = torch.arange(256, dtype=torch.float64)[:, None].expand(256, 5)  # five parameter sets
    logits, means, log_scales = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3) * 0.5, torch.randn(5, 3) - 2
    p = torch.exp(-dmol_nll_nats(x, logits.expand(256, 5, 3), means.double().expand(256, 5, 3), log_scales.double().expand(256, 5, 3)))
    assert p.sum(dim=0).tolist() == pytest.approx([1.0] * 5, abs=1e-4)
