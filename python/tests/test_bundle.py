"""Run bundles: a round trip in both schema versions, and a clear refusal for each kind of bad file."""

import json
import zipfile

import numpy as np
import pytest

from conftest import MICRO, make_bundle
from hybridlab.bundle import BundleError, optimizer_names, read_bundle
from hybridlab.bundle_writer import write_bundle


@pytest.fixture()
def bundle():
    b = make_bundle(step=3)
    rng = np.random.default_rng(1)
    for name, values in b.optimizer.items():
        b.optimizer[name] = (
            np.array([3.0 if name.startswith("enc") else 2.0], np.float32) if name.endswith("/t") else rng.random(values.shape, np.float32)
        )
    b.metrics = [
        {
            "step": s,
            "lossTotal": 1.0,
            "lossCon": None,
            "bitsPerDim": 8.0,
            "conTop1": None,
            "imagesPerSec": 1.0,
            "msPerStep": 1.0,
            "lambdaCon": 0.0,
            "lambdaGen": 1.0,
            "tau": 0.2,
            "lr": 1e-3,
        }
        for s in (1, 2, 3)
    ]
    return b


def files_of(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def rezip(path, files: dict) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def edit_json(path, name: str, edit) -> None:
    files = files_of(path)
    value = json.loads(files[name])
    edit(value)
    files[name] = json.dumps(value).encode()
    rezip(path, files)


def test_version_3_round_trips_weights_moments_counts_history_and_position(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 3)
    back = read_bundle(tmp_path / "b.zip")
    assert (back.schema_version, back.step, back.batcher, back.config, back.hyper) == (3, 3, bundle.batcher, MICRO, MICRO.hyper)
    for name in bundle.weights:
        assert np.array_equal(back.weights[name], bundle.weights[name]), name
    for name in bundle.optimizer:
        assert np.array_equal(back.optimizer[name], bundle.optimizer[name]), name
    assert back.metrics == bundle.metrics
    manifest = json.loads(files_of(tmp_path / "b.zip")["optimizer.json"])["weightsManifest"][0]["weights"]
    assert [w["name"] for w in manifest][:3] == ["patch_embed/w/m", "patch_embed/w/v", "patch_embed/w/t"]


def test_version_2_keeps_one_count_and_reads_back_with_the_counts_the_app_rebuilds_from_history(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 2)
    files = files_of(tmp_path / "b.zip")
    names = [w["name"] for w in json.loads(files["optimizer.json"])["weightsManifest"][0]["weights"]]
    assert names == optimizer_names(MICRO.model, 2) and names[0] == "adamw/t"
    assert np.frombuffer(files["optimizer.bin"][:4], "<f4")[0] == 3.0  # the largest per-variable count
    back = read_bundle(tmp_path / "b.zip")
    assert back.schema_version == 2
    # The history has λ_con = 0 at all 3 steps: the contrastive head made no update, the rest made 3
    # (the app's migration, src/persist/migrate.ts perVariableStepCounts).
    counts = {k[: -len("/t")]: float(v[0]) for k, v in back.optimizer.items() if k.endswith("/t")}
    head = {"rep_ln", "con_fc1", "con_fc2"}
    assert {c for name, c in counts.items() if name.split("/")[0] in head} == {0.0}
    assert {c for name, c in counts.items() if name.split("/")[0] not in head} == {3.0}


def test_a_version_3_manifest_order_is_kept_when_written_back(bundle, tmp_path):
    write_bundle(tmp_path / "a.zip", bundle, 3)
    files = files_of(tmp_path / "a.zip")
    manifest = json.loads(files["optimizer.json"])
    specs = manifest["weightsManifest"][0]["weights"]
    chunks, offset = {}, 0
    for spec in specs:
        size = 4 * int(np.prod(spec["shape"]))
        chunks[spec["name"]] = files["optimizer.bin"][offset : offset + size]
        offset += size
    specs.sort(key=lambda s: (not s["name"].endswith("/t"), s["name"]))  # every count first, as another writer might
    files["optimizer.json"] = json.dumps(manifest).encode()
    files["optimizer.bin"] = b"".join(chunks[s["name"]] for s in specs)
    rezip(tmp_path / "a.zip", files)
    back = read_bundle(tmp_path / "a.zip")
    assert back.optimizer_order == [s["name"] for s in specs]
    write_bundle(tmp_path / "b.zip", back, 3)
    written = json.loads(files_of(tmp_path / "b.zip")["optimizer.json"])["weightsManifest"][0]["weights"]
    assert [w["name"] for w in written] == back.optimizer_order


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_bytes(b"this is not a run bundle"), "not a zip file"),
        (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "truncated or damaged zip"),
        (lambda p: edit_json(p, "config.json", lambda c: c.update(schemaVersion=4)), "schema version 4 is newer"),
        (lambda p: edit_json(p, "config.json", lambda c: c.update(schemaVersion=1)), "schema version 1 is too old"),
        (lambda p: edit_json(p, "config.json", lambda c: c.pop("schemaVersion")), "declares no schema version"),
        (
            lambda p: edit_json(p, "config.json", lambda c: c["run"]["config"]["model"].update(heads=3)),
            "width 16 is not a multiple of 3 heads",
        ),
        (lambda p: edit_json(p, "config.json", lambda c: c["run"].pop("batcher")), "config.json.run: batcher is missing"),
        (lambda p: edit_json(p, "model.json", lambda m: m["modelTopology"]["config"].update(dim=32)), "different architecture"),
        (lambda p: edit_json(p, "optimizer.json", lambda o: o.update(step=2)), "optimizer.json is at step 2"),
        (lambda p: rezip(p, {k: v for k, v in files_of(p).items() if k != "weights.bin"}), "weights.bin is missing"),
    ],
)
def test_a_bad_bundle_is_refused_with_the_reason(bundle, tmp_path, damage, message):
    path = tmp_path / "b.zip"
    write_bundle(path, bundle, 3)
    damage(path)
    with pytest.raises(BundleError, match=message):
        read_bundle(path)


def _drop_tensor(manifest, name):
    weights = manifest["weightsManifest"][0]["weights"]
    manifest["weightsManifest"][0]["weights"] = [w for w in weights if w["name"] != name]


def test_a_missing_tensor_is_named(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 3)
    edit_json(tmp_path / "b.zip", "model.json", lambda m: _drop_tensor(m, "enc0/fc1/b"))
    with pytest.raises(BundleError, match="tensor enc0/fc1/b is missing"):
        read_bundle(tmp_path / "b.zip")


def test_a_misshapen_tensor_is_named_with_both_shapes(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 3)

    def reshape(m):
        for w in m["weightsManifest"][0]["weights"]:
            if w["name"] == "pos":
                w["shape"] = [10, 5]

    edit_json(tmp_path / "b.zip", "model.json", reshape)
    with pytest.raises(BundleError, match=r"pos has shape \[10, 5\], the model needs \[5, 16\]"):
        read_bundle(tmp_path / "b.zip")


def test_a_short_binary_file_and_a_non_finite_value_are_refused(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 3)
    files = files_of(tmp_path / "b.zip")
    rezip(tmp_path / "short.zip", dict(files, **{"weights.bin": files["weights.bin"][:-4]}))
    with pytest.raises(BundleError, match="the binary file has .* bytes, the manifest needs"):
        read_bundle(tmp_path / "short.zip")
    nan = np.frombuffer(files["weights.bin"], "<f4").copy()
    nan[5] = np.nan
    rezip(tmp_path / "nan.zip", dict(files, **{"weights.bin": nan.tobytes()}))
    with pytest.raises(BundleError, match="patch_embed/w holds a non-finite value"):
        read_bundle(tmp_path / "nan.zip")


def test_an_update_count_beyond_the_step_is_refused(bundle, tmp_path):
    bundle.optimizer["start/t"] = np.array([9.0], np.float32)
    write_bundle(tmp_path / "b.zip", bundle, 3)
    with pytest.raises(BundleError, match="update count of 9.0 does not fit step 3"):
        read_bundle(tmp_path / "b.zip")


def test_a_damaged_entry_is_named(bundle, tmp_path):
    write_bundle(tmp_path / "b.zip", bundle, 3)
    data = bytearray((tmp_path / "b.zip").read_bytes())
    start = data.find(b"config.json") + len("config.json")  # the first local header's name; its deflated bytes follow
    data[start + 5 : start + 25] = bytes(20)
    (tmp_path / "b.zip").write_bytes(bytes(data))
    with pytest.raises(BundleError, match="config.json is damaged|config.json is not valid JSON"):
        read_bundle(tmp_path / "b.zip")
