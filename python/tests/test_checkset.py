"""The check set: recomputed on load, and refused beyond tolerance. (The browser's own check sets are
verified by python/e2e/test_roundtrip.py, run from e2e/python.spec.ts on a bundle the app exported.)"""

import numpy as np
import pytest
import torch

from conftest import MICRO, fake_images, make_bundle
from hybridlab import checkset
from hybridlab.bundle import read_bundle
from hybridlab.bundle_writer import write_bundle
from hybridlab.model import HybridTransformer
from hybridlab.state import load_weights


@pytest.fixture()
def model_and_check():
    bundle = make_bundle()
    model = HybridTransformer(MICRO.model)
    load_weights(model, bundle.weights)
    check = checkset.compute(
        model, MICRO, MICRO.hyper, 5, bundle.batcher, fake_images(4, 8, seed=2), [0, 1, 2, 3], fake_images(3, 8, seed=3), [0, 1, 2], "test"
    )
    return bundle, model, check


def test_a_check_set_is_reproduced_by_the_model_that_made_it_and_survives_the_bundle(model_and_check, tmp_path):
    bundle, model, check = model_and_check
    result = checkset.verify(check, model)
    assert result.ok, result.report()
    assert len(result.comparisons) == 7
    bundle.check_set = check
    write_bundle(tmp_path / "b.zip", bundle)
    back = read_bundle(tmp_path / "b.zip")
    assert back.check_set.losses == check.losses and back.check_set.batch_indices == [0, 1, 2, 3]
    assert checkset.verify(back.check_set, model).ok


@pytest.mark.parametrize(
    "tamper, failing",
    [
        (lambda c, m: c.tensors["test/bitsPerDim"].__setitem__(1, c.tensors["test/bitsPerDim"][1] * (1 + 2e-4)), "test bits/dim"),
        (lambda c, m: c.tensors["test/representation"].__setitem__(0, np.roll(c.tensors["test/representation"][0], 1)), "test r(x)"),
        (lambda c, m: c.losses.__setitem__("con", c.losses["con"] * (1 - 2e-4)), "L_con"),
        (lambda c, m: c.tensors["batch/clean"].__setitem__((0, 0, 0, 0), c.tensors["batch/clean"][0, 0, 0, 0] + 1), "clean view"),
        (lambda c, m: c.tensors["batch/views"].__setitem__((3, 2, 1, 0), c.tensors["batch/views"][3, 2, 1, 0] + 0.1), "augmented views"),
        (lambda c, m: m.gen_head.bias.data.add_(1e-3), "L_gen"),  # a different model: the generative head moved
    ],
)
def test_a_difference_beyond_tolerance_is_refused_and_named(model_and_check, tamper, failing):
    _, model, check = model_and_check
    tamper(check, model)
    with pytest.raises(checkset.CheckSetMismatch) as refused:
        checkset.require(check, model, log=lambda *_: None)
    failed = [line for line in str(refused.value).splitlines() if "FAIL" in line]
    assert any(failing in line for line in failed), str(refused.value)


def test_a_bundle_without_a_check_set_is_accepted_as_unverified(model_and_check):
    _, model, _ = model_and_check
    said = []
    assert checkset.require(None, model, log=said.append) is None
    assert "not verified" in said[0]


def test_a_check_set_computes_the_losses_the_trainer_reports_for_that_batch(model_and_check):
    _, model, check = model_and_check
    bpd, z = model(torch.from_numpy(check.tensors["batch/clean"]), torch.from_numpy(check.tensors["batch/views"]))
    assert check.losses["genBitsPerDim"] == pytest.approx(bpd.mean().item(), rel=1e-6)
    assert check.losses["total"] == pytest.approx(
        MICRO.hyper.lambdaCon * check.losses["con"] + MICRO.hyper.lambdaGen * check.losses["genBitsPerDim"]
    )


def test_the_verify_command_reports_and_sets_its_exit_status(model_and_check, tmp_path, capsys):
    from hybridlab import verify

    bundle, model, check = model_and_check
    bundle.check_set = check
    write_bundle(tmp_path / "good.zip", bundle)
    assert verify.main([str(tmp_path / "good.zip")]) == 0
    assert "ok   L_con" in capsys.readouterr().out
    check.losses["total"] += 1
    write_bundle(tmp_path / "bad.zip", bundle)
    assert verify.main([str(tmp_path / "bad.zip")]) == 1
    assert "FAIL total loss" in capsys.readouterr().out
    (tmp_path / "cut.zip").write_bytes((tmp_path / "good.zip").read_bytes()[:100])
    assert verify.main([str(tmp_path / "cut.zip")]) == 2
