"""Named float32 tensors in the tfjs weights format, as src/persist/weightsFormat.ts writes them: a
manifest group {paths: [file], weights: [{name, shape, dtype}]} and one binary file holding the values
back to back, little-endian, in manifest order."""

import math
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

Shape = Tuple[int, ...]


class TensorFileError(ValueError):
    pass


def decode(specs: Sequence[dict], data: bytes, what: str, expected: Optional[Dict[str, Shape]] = None) -> Dict[str, np.ndarray]:
    """Reads `data` as described by `specs`. With `expected`, the specs must name exactly those
    tensors (in any order) with those shapes. Every byte must be accounted for; values must be finite."""
    names = [spec.get("name") for spec in specs]
    if len(set(names)) != len(names):
        raise TensorFileError(f"{what}: a tensor name appears twice in the manifest")
    for spec in specs:
        if spec.get("dtype") != "float32":
            raise TensorFileError(f"{what}: {spec.get('name')} has dtype {spec.get('dtype')!r}; a run bundle holds float32 only")
    if expected is not None:
        missing = [name for name in expected if name not in names]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise TensorFileError(f"{what}: tensor {missing[0]} is missing{more}")
        extra = [name for name in names if name not in expected]
        if extra:
            raise TensorFileError(f"{what}: tensor {extra[0]} is not part of this model")
        for spec in specs:
            if tuple(spec["shape"]) != expected[spec["name"]]:
                want = list(expected[spec["name"]])
                raise TensorFileError(f"{what}: {spec['name']} has shape {list(spec['shape'])}, the model needs {want}")
    needed = sum(4 * math.prod(spec["shape"]) for spec in specs)
    if len(data) != needed:
        raise TensorFileError(f"{what}: the binary file has {len(data)} bytes, the manifest needs {needed}")
    out, offset = {}, 0
    for spec in specs:
        count = math.prod(spec["shape"])
        values = np.frombuffer(data, dtype="<f4", count=count, offset=offset).reshape(spec["shape"]).astype(np.float32)
        if not np.isfinite(values).all():
            raise TensorFileError(f"{what}: {spec['name']} holds a non-finite value")
        out[spec["name"]] = values
        offset += 4 * count
    return out


def encode(tensors: List[Tuple[str, np.ndarray]], path: str) -> Tuple[dict, bytes]:
    """A manifest group and its binary file for named arrays, written in the order given."""
    weights, chunks = [], []
    for name, values in tensors:
        array = np.ascontiguousarray(values, dtype="<f4")
        weights.append({"name": name, "shape": list(array.shape), "dtype": "float32"})
        chunks.append(array.tobytes())
    return {"paths": [path], "weights": weights}, b"".join(chunks)
