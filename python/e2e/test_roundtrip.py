"""The round trip's Python half, run by e2e/python.spec.ts on the bundle the app has just exported
(never a hand-made file). Not part of the default collection (python/tests): it needs that bundle.

HYBRIDLAB_BUNDLE  the app's export          HYBRIDLAB_OUT   where to write the bundle for the app
HYBRIDLAB_DATA    the train data (the app's built-in train zip)
HYBRIDLAB_TEST_DATA   its test zip"""

import os
import shutil
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ddp import train_in_processes  # noqa: E402
from hybridlab import checkset  # noqa: E402
from hybridlab.bundle import read_bundle  # noqa: E402
from hybridlab.data import Batcher, import_paths  # noqa: E402
from hybridlab.model import HybridTransformer  # noqa: E402
from hybridlab.state import load_weights  # noqa: E402

STEPS = 5


def _env(name: str) -> str:
    value = os.environ.get(name)
    assert value, f"{name} is not set: this test runs from e2e/python.spec.ts on a bundle the app exported"
    assert Path(value).exists() or name == "HYBRIDLAB_OUT", f"{name}={value} does not exist"
    return value


def test_the_app_export_is_reproduced_then_continued_by_two_gloo_processes(tmp_path):
    source, target = _env("HYBRIDLAB_BUNDLE"), _env("HYBRIDLAB_OUT")
    data, test_data = _env("HYBRIDLAB_DATA"), _env("HYBRIDLAB_TEST_DATA")
    bundle = read_bundle(source)
    assert bundle.check_set is not None, "the app's export carries no check set"

    # 1. The same model: the browser's numbers, recomputed here, within the stated tolerances.
    model = HybridTransformer(bundle.config.model)
    load_weights(model, bundle.weights)
    result = checkset.verify(bundle.check_set, model)
    print(f"check set from {bundle.check_set.backend} at step {bundle.step}:\n{result.report()}")
    assert result.ok, result.report()

    # 2. The same data stream: the batch the browser would train on next is the one Python draws.
    dataset = import_paths([data], bundle.config.model.imageSize, [test_data])
    batcher = Batcher(dataset.train, bundle.config.train.batch, bundle.config.train.seed)
    batcher.set_state(bundle.batcher)
    pixels, indices = batcher.next()
    assert indices.tolist() == bundle.check_set.batch_indices
    gap = abs(pixels.astype(float) - bundle.check_set.tensors["batch/images"])
    print(f"decoded pixels of that batch, Pillow vs the browser: mean |difference| {gap.mean():.3f}, max {gap.max():.0f} levels")

    # 3. Five steps of DDP on two CPU processes (gloo); both ranks end with identical weights.
    out = tmp_path / "out"
    argv = [
        "--bundle",
        source,
        "--data",
        data,
        "--test-data",
        test_data,
        "--steps",
        str(STEPS),
        "--out",
        str(out),
        "--schema-version",
        str(bundle.schema_version),
        "--no-progress",
        "--device",
        "cpu",
    ]
    ranks = train_in_processes(argv, tmp_path, quiet=False)
    assert ranks[0].keys() == ranks[1].keys()
    for name in ranks[0]:
        assert torch.equal(ranks[0][name], ranks[1][name]), f"{name} differs between the two ranks"

    # 4. The export: the step moved on by five, the history grew by five rows, and it loads again.
    exported = out / f"{bundle.run_id}-step{bundle.step + STEPS}.zip"
    back = read_bundle(exported)
    assert back.step == bundle.step + STEPS and back.schema_version == bundle.schema_version
    assert [row["step"] for row in back.metrics[-STEPS:]] == list(range(bundle.step + 1, bundle.step + STEPS + 1))
    for name, values in back.weights.items():
        assert values.shape == bundle.weights[name].shape
    shutil.copyfile(exported, target)
