"""Run bundles (docs/run-bundle.md): the zip the app's Export writes and its Import reads.

read_bundle checks what it reads and raises BundleError naming the first problem: not a zip or a
truncated one, a missing file, an unknown schema version, a config that is not a Hybrid Lab run,
a missing or misshapen tensor, non-finite values, steps that disagree. Schema version 3 keeps an
AdamW step count per variable ("<variable>/t"); version 2 kept one ("adamw/t"), which is given to
every variable, as the app's migration does. Writing is bundle_writer.py."""

import io
import json
import math
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

import numpy as np

from . import tensorfile
from .checkset import FORMAT as CHECK_SET_FORMAT
from .checkset import CheckSet
from .config import Hyper, ModelConfig, RunConfig, TrainConfig
from .state import expected_weight_shapes

APP_ID = "hybrid-lab"
READS = (2, 3)
WRITES = (2, 3)
CURRENT = 3
FILES = {
    "config": "config.json",
    "metrics": "metrics.json",
    "metricsCsv": "metrics.csv",
    "evaluationsCsv": "evaluations.csv",
    "model": "model.json",
    "weights": "weights.bin",
    "optimizer": "optimizer.json",
    "optimizerBin": "optimizer.bin",
    "checkSet": "checkset.json",
    "checkSetBin": "checkset.bin",
}
MAX_JSON_BYTES = 256 << 20
MAX_BIN_BYTES = 1 << 30


class BundleError(ValueError):
    """The file is not a run bundle this package can continue; the message says what is wrong."""


@dataclass
class Bundle:
    run_id: str
    step: int
    config: RunConfig
    hyper: Hyper  # the sliders the next step uses
    batcher: dict  # {seed, epoch, cursor}: the data position
    weights: Dict[str, np.ndarray]  # app names and layouts
    optimizer: Dict[str, np.ndarray]  # "<variable>/m", "/v" (app layout) and "/t" ([1])
    metrics: List[dict] = field(default_factory=list)
    evaluations: List[dict] = field(default_factory=list)
    dataset: Optional[dict] = None
    check_set: Optional[CheckSet] = None
    exported_at: Optional[str] = None
    schema_version: int = CURRENT  # as read
    optimizer_order: Optional[List[str]] = None  # the manifest order of a version-3 file, kept when writing back


def optimizer_names(cfg, version: int) -> List[str]:
    """The optimizer manifest's tensor names in the order this package writes them."""
    names = ["adamw/t"] if version == 2 else []
    for w in expected_weight_shapes(cfg):
        names += [f"{w}/m", f"{w}/v"] + ([f"{w}/t"] if version >= 3 else [])
    return names


# -- reading ------------------------------------------------------------------------------------------


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise BundleError("not a zip file (a run bundle is the .zip that the app's Export writes)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise BundleError(f"truncated or damaged zip: {error} (the file may have been cut off while copying)") from None
    names = archive.namelist()
    if len(set(names)) != len(names):
        raise BundleError("the zip holds two entries with the same name")
    return archive


def _read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BundleError(f"{name} is missing from the bundle") from None
    if info.file_size > limit:
        raise BundleError(f"{name} is {info.file_size} bytes uncompressed, over the {limit}-byte limit")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as error:
        raise BundleError(f"{name} is damaged: {error}") from None


def _json(archive: zipfile.ZipFile, name: str):
    try:
        return json.loads(_read(archive, name, MAX_JSON_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{name} is not valid JSON: {error}") from None


def _need(obj, key: str, kind, where: str):
    if not isinstance(obj, dict) or key not in obj:
        raise BundleError(f"{where}: {key} is missing")
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        raise BundleError(f"{where}.{key}: expected {' or '.join(k.__name__ for k in kinds)}, got {type(value).__name__}")
    return value


def _int(obj, key: str, where: str, low: int = 0) -> int:
    value = _need(obj, key, int, where)
    if value < low:
        raise BundleError(f"{where}.{key}: {value} is below {low}")
    return value


def _run_config(raw, where: str) -> RunConfig:
    model = _need(raw, "model", dict, where)
    for key in ("imageSize", "patch", "dim", "heads", "encLayers", "decLayers", "mixtures", "projDim"):
        _int(model, key, f"{where}.model", 0 if key == "decLayers" else 1)
    train = _need(raw, "train", dict, where)
    for key in ("batch", "warmupSteps", "seed"):
        _int(train, key, f"{where}.train", 1 if key == "batch" else 0)
    _need(train, "weightDecay", (int, float), f"{where}.train")
    hyper = _hyper(_need(raw, "hyper", dict, where), f"{where}.hyper")
    config = RunConfig(
        _need(raw, "preset", str, where),
        ModelConfig(**{k: model[k] for k in ModelConfig.__dataclass_fields__}),
        TrainConfig(**{k: train[k] for k in TrainConfig.__dataclass_fields__}),
        hyper,
    )
    problem = config.model.problem()
    if problem:
        raise BundleError(f"{where}.model: {problem}")
    return config


def _hyper(raw, where: str) -> Hyper:
    values = {k: float(_need(raw, k, (int, float), where)) for k in ("lambdaCon", "lambdaGen", "tau", "lr")}
    if not all(math.isfinite(v) for v in values.values()) or values["tau"] <= 0 or values["lr"] <= 0:
        raise BundleError(f"{where}: {values} are not usable hyperparameters")
    return Hyper(**values)


def _group(manifest: dict, file: str, path: str) -> list:
    groups = _need(manifest, "weightsManifest", list, file)
    if len(groups) != 1 or not isinstance(groups[0], dict):
        raise BundleError(f"{file}: weightsManifest must hold exactly one group")
    paths = _need(groups[0], "paths", list, f"{file}.weightsManifest[0]")
    if paths != [path]:
        raise BundleError(f"{file} points at {paths}; a run bundle keeps its values in {path}")
    return _need(groups[0], "weights", list, f"{file}.weightsManifest[0]")


def _tensors(archive, file: str, bin_file: str, expected) -> Dict[str, np.ndarray]:
    specs = _group(_json(archive, file), file, bin_file)
    try:
        return tensorfile.decode(specs, _read(archive, bin_file, MAX_BIN_BYTES), file, expected)
    except (tensorfile.TensorFileError, KeyError, TypeError) as error:
        raise BundleError(str(error)) from None


def loss_branch(variable: str) -> str:
    """Which loss reaches a variable: the app's modelShapes.lossBranch."""
    head = variable.split("/")[0]
    if head in ("rep_ln", "con_fc1", "con_fc2"):
        return "contrastive"
    if head in ("gen_ln", "gen_head") or (head.startswith("dec") and head[3:].isdigit()):
        return "generative"
    return "both"


def per_variable_counts(updates: float, variables, history: List[dict]) -> Dict[str, float]:
    """Version 2's one update count as per-variable counts, as the app's migration rebuilds them:
    every recorded step that left a branch out (its loss weight at 0, the other's not) is taken off
    that branch's count (docs/run-bundle.md, optimiser state)."""
    skipped = {"both": 0, "contrastive": 0, "generative": 0}
    for row in history:
        con, gen = row.get("lambdaCon", 1), row.get("lambdaGen", 1)
        if con <= 0 and gen <= 0:
            continue  # no update at all: adamw/t did not count it
        if con <= 0:
            skipped["contrastive"] += 1
        if gen <= 0:
            skipped["generative"] += 1
    return {w: max(0.0, updates - skipped[loss_branch(w)]) for w in variables}


def _weights_and_optimizer(archive, cfg, version: int, step: int, history: List[dict]):
    model_json = _json(archive, FILES["model"])
    topology = _need(_need(model_json, "modelTopology", dict, FILES["model"]), "config", dict, f"{FILES['model']}.modelTopology")
    if topology != asdict(cfg.model):
        raise BundleError("model.json describes a different architecture than config.json")
    shapes = expected_weight_shapes(cfg.model)
    weights = _tensors(archive, FILES["model"], FILES["weights"], shapes)
    opt_json = _json(archive, FILES["optimizer"])
    if _int(opt_json, "step", FILES["optimizer"]) != step:
        raise BundleError(f"optimizer.json is at step {opt_json['step']} but config.json at step {step}")
    expected = {f"{w}/{part}": shape for w, shape in shapes.items() for part in "mv"}
    if version == 2:
        expected["adamw/t"] = (1,)
    else:
        expected.update({f"{w}/t": (1,) for w in shapes})
    optimizer = _tensors(archive, FILES["optimizer"], FILES["optimizerBin"], expected)
    counts = [optimizer["adamw/t"]] if version == 2 else [optimizer[f"{w}/t"] for w in shapes]
    for count in counts:
        t = float(count.reshape(-1)[0])
        if not t.is_integer() or t < 0 or t > step:
            raise BundleError(f"optimizer.json: an AdamW update count of {t} does not fit step {step}")
    if version == 2:  # the migration to version 3
        t = optimizer.pop("adamw/t")
        counts = per_variable_counts(float(t.reshape(-1)[0]), shapes, history)
        optimizer.update({f"{w}/t": np.full_like(t, counts[w]) for w in shapes})
    order = [s["name"] for s in _group(opt_json, FILES["optimizer"], FILES["optimizerBin"])] if version >= 3 else None
    return weights, optimizer, order


def _check_set(archive, cfg) -> Optional[CheckSet]:
    if FILES["checkSet"] not in archive.namelist():
        return None
    meta = _json(archive, FILES["checkSet"])
    if meta.get("format") != CHECK_SET_FORMAT:
        raise BundleError(f"checkset.json: format is {meta.get('format')!r}, expected {CHECK_SET_FORMAT!r}")
    s, b, n = cfg.model.imageSize, len(meta.get("batchIndices", [])), len(meta.get("testIndices", []))
    expected = {
        "test/images": (n, s, s, 3),
        "test/bitsPerDim": (n,),
        "test/representation": (n, cfg.model.dim),
        "batch/images": (b, s, s, 3),
        "batch/clean": (b, s, s, 3),
        "batch/views": (2 * b, s, s, 3),
    }
    tensors = _tensors(archive, FILES["checkSet"], FILES["checkSetBin"], expected)
    try:
        return CheckSet.from_json(meta, tensors)
    except (KeyError, TypeError, ValueError) as error:
        raise BundleError(f"checkset.json: {error!r} is missing or malformed") from None


def read_bundle(source) -> Bundle:
    """A bundle from a path or bytes; BundleError when it cannot be continued."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as f:
                data = f.read()
        except OSError as error:
            raise BundleError(f"cannot read {source}: {error.strerror}") from None
    archive = _open_zip(data)
    config = _json(archive, FILES["config"])
    version = config.get("schemaVersion", config.get("version")) if isinstance(config, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError("config.json declares no schema version: not a Hybrid Lab run bundle")
    if version > max(READS):
        raise BundleError(f"schema version {version} is newer than this package reads (up to {max(READS)}); update hybridlab")
    if version not in READS:
        raise BundleError(f"schema version {version} is too old for this package: import it into the app and export it again")
    if config.get("app") != APP_ID:
        raise BundleError(f"config.json: app is {config.get('app')!r}, not {APP_ID!r}")
    run = _need(config, "run", dict, "config.json")
    step = _int(run, "step", "config.json.run")
    cfg = _run_config(_need(run, "config", dict, "config.json.run"), "config.json.run.config")
    batcher = _need(run, "batcher", dict, "config.json.run")
    for key in ("seed", "epoch", "cursor"):
        _int(batcher, key, "config.json.run.batcher")
    metrics_file = _json(archive, FILES["metrics"])
    metrics = _need(metrics_file, "metrics", list, "metrics.json")
    previous = 0
    for row in metrics:
        if not isinstance(row, dict) or not isinstance(row.get("step"), int) or not previous < row["step"] <= step:
            raise BundleError(f"metrics.json: a row's step is out of order or after the run's step {step}")
        previous = row["step"]
    weights, optimizer, order = _weights_and_optimizer(archive, cfg, version, step, metrics)
    return Bundle(
        run_id=str(_need(run, "id", str, "config.json.run")),
        step=step,
        config=cfg,
        hyper=_hyper(_need(run, "hyper", dict, "config.json.run"), "config.json.run.hyper"),
        batcher={k: batcher[k] for k in ("seed", "epoch", "cursor")},
        weights=weights,
        optimizer=optimizer,
        metrics=metrics,
        evaluations=list(metrics_file.get("evaluations", [])),
        dataset=run.get("dataset"),
        check_set=_check_set(archive, cfg),
        exported_at=config.get("exportedAt"),
        schema_version=version,
        optimizer_order=order,
    )
