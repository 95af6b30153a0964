"""Continuing a run: DDP over two gloo processes gives the one-process step on every rank, and a run
killed mid-training resumes from its checkpoint to exactly the weights of an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import ROOT, make_bundle, write_cifar_bin
from ddp import train_in_processes
from hybridlab import train
from hybridlab.bundle import read_bundle
from hybridlab.bundle_writer import write_bundle

STEPS = 4


@pytest.fixture(scope="module")
def run_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    write_cifar_bin(folder / "data_batch_1.bin", 24)
    write_bundle(folder / "start.zip", make_bundle())
    return folder


def argv(folder: Path, out: Path, steps: int = STEPS, *extra: str) -> list:
    return [
        "--bundle",
        str(folder / "start.zip"),
        "--data",
        str(folder / "data_batch_1.bin"),
        "--steps",
        str(steps),
        "--out",
        str(out),
        "--no-progress",
        "--device",
        "cpu",
        *extra,
    ]


def test_two_gloo_processes_hold_identical_weights_equal_to_one_process(run_files, tmp_path):
    single = train.run(train.parse_args(argv(run_files, tmp_path / "one")), log=lambda *_: None)
    ranks = train_in_processes(argv(run_files, tmp_path / "two"), tmp_path)
    d = single.cfg.model.dim
    for name, p in single.model.named_parameters():
        assert torch.equal(ranks[0][name], ranks[1][name]), f"{name} differs between the ranks"
        # The same step as one process: the batch split in two, NT-Xent over the gathered views. Not
        # the key biases: softmax ignores them, so their gradient is float noise around 0, which
        # Adam's normalisation turns into steps of ±lr in either run.
        mine, theirs = (
            (ranks[0][name], p.detach())
            if "qkv.bias" not in name
            else (torch.cat([ranks[0][name][:d], ranks[0][name][2 * d :]]), torch.cat([p.detach()[:d], p.detach()[2 * d :]]))
        )
        assert torch.allclose(mine, theirs, rtol=0, atol=2e-6), name
    one = read_bundle(tmp_path / "one" / f"run-1-step{STEPS}.zip")
    two = read_bundle(tmp_path / "two" / f"run-1-step{STEPS}.zip")
    for a, b in zip(one.metrics, two.metrics):
        assert a["lossCon"] == pytest.approx(b["lossCon"], rel=1e-5) and a["bitsPerDim"] == pytest.approx(b["bitsPerDim"], rel=1e-5)
    assert one.batcher == two.batcher == {"seed": 7, "epoch": 0, "cursor": 16}


def test_a_killed_run_resumes_from_its_checkpoint_to_the_uninterrupted_weights(run_files, tmp_path):
    steps = 150
    reference = train.run(train.parse_args(argv(run_files, tmp_path / "straight", steps)), log=lambda *_: None)
    out = tmp_path / "crashed"
    command = [sys.executable, "-m", "hybridlab.train", *argv(run_files, out, steps, "--checkpoint-every", "1")]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (out / "checkpoint.zip").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)  # a crash: no cleanup, no final bundle
    first.wait()
    assert first.returncode == -signal.SIGKILL, first.stdout.read().decode()
    assert not (out / f"run-1-step{steps}.zip").exists()
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "resuming from" in second.stdout
    resumed = read_bundle(out / f"run-1-step{steps}.zip")
    expected = reference.to_bundle(with_check_set=False)
    for name in expected.weights:
        assert np.array_equal(resumed.weights[name], expected.weights[name]), name
    for name in expected.optimizer:
        assert np.array_equal(resumed.optimizer[name], expected.optimizer[name]), name
    assert [r["lossTotal"] for r in resumed.metrics] == [r["lossTotal"] for r in expected.metrics]


def test_a_bad_bundle_or_a_mismatching_check_set_stops_the_cli_with_the_reason(run_files, tmp_path, capsys):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 cut")
    assert train.main(["--bundle", str(tmp_path / "bad.zip"), *argv(run_files, tmp_path / "x")[2:]]) == 2
    assert "truncated or damaged zip" in capsys.readouterr().err
    good = read_bundle(run_files / "start.zip")
    trainer = train.run(train.parse_args(argv(run_files, tmp_path / "y", 1)), log=lambda *_: None)
    good.check_set = trainer.to_bundle().check_set  # a check set made at step 1, on step-0 weights
    write_bundle(tmp_path / "mismatch.zip", good)
    assert train.main(["--bundle", str(tmp_path / "mismatch.zip"), *argv(run_files, tmp_path / "z")[2:]]) == 2
    assert "not reproduced by this model" in capsys.readouterr().err
