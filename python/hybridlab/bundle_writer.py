"""Writes run bundles the app imports (docs/run-bundle.md): schema version 3, or 2 for an app that does
not read 3 yet (its one AdamW count is then the largest per-variable count: the number of updates)."""

import json
import math
import os
import tempfile
import zipfile
from dataclasses import asdict
from datetime import datetime, timezone
from typing import List, Optional

import numpy as np

from . import tensorfile
from .bundle import APP_ID, CURRENT, FILES, WRITES, Bundle, optimizer_names
from .state import expected_weight_shapes

METRIC_COLUMNS = [
    "step",
    "lossTotal",
    "lossCon",
    "bitsPerDim",
    "conTop1",
    "imagesPerSec",
    "msPerStep",
    "lambdaCon",
    "lambdaGen",
    "tau",
    "lr",
]
EVAL_COLUMNS = [
    "step",
    "linearAcc",
    "knnAcc",
    "oodAurocBpd",
    "oodAurocFeature",
    "corruptionAcc",
    "corruptionRatio",
    "ece",
    "testBpd",
    "seconds",
]


def _nan_to_null(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _csv(columns: List[str], rows: List[dict]) -> str:
    def cell(v):
        return "" if v is None or (isinstance(v, float) and not math.isfinite(v)) else repr(v) if isinstance(v, float) else str(v)

    return "\n".join([",".join(columns)] + [",".join(cell(row.get(c)) for c in columns) for row in rows]) + "\n"


def _optimizer_tensors(bundle: Bundle, version: int):
    names = optimizer_names(bundle.config.model, version)
    if version >= 3 and bundle.optimizer_order and sorted(bundle.optimizer_order) == sorted(names):
        names = bundle.optimizer_order
    counts = [float(bundle.optimizer[f"{w}/t"][0]) for w in expected_weight_shapes(bundle.config.model)]
    values = dict(bundle.optimizer, **{"adamw/t": np.array([max(counts)], np.float32)})
    return [(name, values[name]) for name in names]


def write_bundle(path: str, bundle: Bundle, version: int = CURRENT, notes: Optional[List[str]] = None) -> None:
    """Writes atomically (a temporary file renamed into place), so a crash never leaves half a bundle."""
    if version not in WRITES:
        raise ValueError(f"can write schema versions {WRITES}, not {version}")
    cfg = bundle.config
    weights_group, weights_bin = tensorfile.encode([(n, bundle.weights[n]) for n in expected_weight_shapes(cfg.model)], FILES["weights"])
    optimizer_group, optimizer_bin = tensorfile.encode(_optimizer_tensors(bundle, version), FILES["optimizerBin"])
    metrics = [{k: _nan_to_null(v) for k, v in row.items()} for row in bundle.metrics]
    notes = list(notes or [])
    notes.append("no samples: written by the PyTorch companion, which draws none")
    notes.append("no embedding: written by the PyTorch companion, which projects none")
    if not bundle.evaluations:
        notes.append("no evaluations: none had been run on this run")
    contents = {
        "samples": False,
        "embedding": False,
        "evaluations": bool(bundle.evaluations),
        "checkSet": bundle.check_set is not None,
        "notes": notes,
    }
    config = {
        "schemaVersion": version,
        "app": APP_ID,
        "exportedAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "run": {
            "id": bundle.run_id,
            "step": bundle.step,
            "config": cfg.to_json(),
            "hyper": asdict(bundle.hyper),
            "batcher": bundle.batcher,
            "dataset": bundle.dataset,
        },
        "contents": contents,
    }
    files = {
        FILES["config"]: json.dumps(config, indent=1, allow_nan=False),
        FILES["metrics"]: json.dumps(
            {"schemaVersion": version, "metrics": metrics, "evaluations": bundle.evaluations}, indent=1, allow_nan=False
        ),
        FILES["metricsCsv"]: _csv(METRIC_COLUMNS, metrics),
        FILES["model"]: json.dumps(
            {
                "format": "hybrid-lab-weights",
                "generatedBy": "hybridlab (PyTorch)",
                "convertedBy": None,
                "modelTopology": {"kind": "hybrid-generative-contrastive-transformer", "config": asdict(cfg.model)},
                "weightsManifest": [weights_group],
            },
            indent=1,
        ),
        FILES["optimizer"]: json.dumps(
            {"format": "hybrid-lab-optimizer", "optimizer": "adamw", "step": bundle.step, "weightsManifest": [optimizer_group]}, indent=1
        ),
    }
    if bundle.evaluations:
        files[FILES["evaluationsCsv"]] = _csv(EVAL_COLUMNS, [dict(e["results"], step=e["step"]) for e in bundle.evaluations])
    binaries = {FILES["weights"]: weights_bin, FILES["optimizerBin"]: optimizer_bin}
    if bundle.check_set is not None:
        check = bundle.check_set
        group, data = tensorfile.encode(list(check.tensors.items()), FILES["checkSetBin"])
        files[FILES["checkSet"]] = json.dumps(dict(check.to_json(), weightsManifest=[group]), indent=1)
        binaries[FILES["checkSetBin"]] = data
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=folder)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name, text in files.items():
                archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
            for name, data in binaries.items():  # stored: float32 barely compresses
                archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
