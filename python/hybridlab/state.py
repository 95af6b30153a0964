"""The app's tensor names and layouts (src/model/params.ts, src/persist/modelShapes.ts) and how they
map onto the torch model: "enc0/qkv/w" is encoder[0].attn.qkv.weight, transposed (the app multiplies
rows by an [in, out] matrix, torch.nn.Linear holds [out, in])."""

from typing import Dict, List, Tuple

import numpy as np
import torch

from .config import ModelConfig
from .model import HybridTransformer

Shape = Tuple[int, ...]

_BLOCK_PARTS = {"ln1": "ln1", "qkv": "attn.qkv", "proj": "attn.proj", "ln2": "ln2", "fc1": "mlp.fc1", "fc2": "mlp.fc2"}
_TOP = {
    "patch_embed": "patch_embed",
    "rep_ln": "rep_ln",
    "con_fc1": "con_fc1",
    "con_fc2": "con_fc2",
    "gen_ln": "gen_ln",
    "gen_head": "gen_head",
}
_FIELD = {"w": "weight", "b": "bias", "g": "weight"}  # linear w/b, LayerNorm g/b


def expected_weight_shapes(cfg: ModelConfig) -> Dict[str, Shape]:
    """Every variable of the app's model in its creation order, with its shape in the app's layout."""
    d, out = cfg.dim, {}

    def linear(name, n_in, n_out):
        out[f"{name}/w"], out[f"{name}/b"] = (n_in, n_out), (n_out,)

    def norm(name):
        out[f"{name}/g"], out[f"{name}/b"] = (d,), (d,)

    linear("patch_embed", cfg.patch_dim, d)
    out["start"], out["pos"] = (1, d), (cfg.tokens, d)
    for i in range(cfg.encLayers + cfg.decLayers):
        p = f"enc{i}" if i < cfg.encLayers else f"dec{i - cfg.encLayers}"
        norm(f"{p}/ln1")
        linear(f"{p}/qkv", d, 3 * d)
        linear(f"{p}/proj", d, d)
        norm(f"{p}/ln2")
        linear(f"{p}/fc1", d, 4 * d)
        linear(f"{p}/fc2", 4 * d, d)
    norm("rep_ln")
    linear("con_fc1", d, d)
    linear("con_fc2", d, cfg.projDim)
    norm("gen_ln")
    linear("gen_head", d, cfg.patch_dim * 3 * cfg.mixtures)
    return out


def decays(app_name: str) -> bool:
    """AdamW's weight decay applies to the matrices of linear layers only (params.ts)."""
    return app_name.endswith("/w")


def torch_name(app_name: str) -> str:
    parts = app_name.split("/")
    if len(parts) == 1:  # start, pos
        return app_name
    owner, field = parts[:-1], _FIELD[parts[-1]]
    if len(owner) == 2:  # enc0/qkv, dec1/ln2
        block, part = owner
        stack = "encoder" if block.startswith("enc") else "decoder"
        return f"{stack}.{int(block[3:])}.{_BLOCK_PARTS[part]}.{field}"
    return f"{_TOP[owner[0]]}.{field}"


def transposed(app_name: str) -> bool:
    return app_name.endswith("/w")


def named_parameters(model: HybridTransformer) -> List[Tuple[str, torch.nn.Parameter]]:
    """(app name, parameter) for every variable, in the app's order."""
    params = dict(model.named_parameters())
    return [(name, params[torch_name(name)]) for name in expected_weight_shapes(model.cfg)]


def to_app_layout(app_name: str, tensor: torch.Tensor) -> np.ndarray:
    t = tensor.detach().to("cpu", torch.float32)
    return (t.t() if transposed(app_name) else t).contiguous().numpy()


def from_app_layout(app_name: str, values: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(values, dtype=np.float32))
    return t.t().contiguous() if transposed(app_name) else t


@torch.no_grad()
def load_weights(model: HybridTransformer, weights: Dict[str, np.ndarray]) -> None:
    for name, param in named_parameters(model):
        param.copy_(from_app_layout(name, weights[name]))


def export_weights(model: HybridTransformer) -> Dict[str, np.ndarray]:
    return {name: to_app_layout(name, param) for name, param in named_parameters(model)}
