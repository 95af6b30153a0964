"""The model's structure: causality, patch order, the app's names and layouts."""

import numpy as np
import pytest
import torch

from conftest import MICRO, fake_images
from hybridlab.augment import crop_and_resize
from hybridlab.model import HybridTransformer, patchify, unpatchify
from hybridlab.state import expected_weight_shapes, export_weights, load_weights, torch_name


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return HybridTransformer(MICRO.model).eval()


def test_patchify_is_raster_order_with_row_col_channel_sub_pixels():
    cfg = MICRO.model  # 8×8 images, 4×4 patches: a 2×2 grid
    images = torch.arange(8 * 8 * 3, dtype=torch.float32).reshape(1, 8, 8, 3)
    patches = patchify(images, cfg)
    assert patches.shape == (1, 4, 48)
    # Patch 1 is the top-right one: rows 0..3, columns 4..7; its first sub-pixels are (0, 4, r/g/b), (0, 5, r).
    assert patches[0, 1, :4].tolist() == [12.0, 13.0, 14.0, 15.0]
    assert patches[0, 2, 0].item() == (4 * 8 + 0) * 3  # patch 2 starts at row 4, column 0
    assert torch.equal(unpatchify(patches, cfg), images)


def test_a_later_patch_never_changes_an_earlier_prediction(model):
    images = fake_images(2, 8)
    changed = images.clone()
    changed[:, 4:, :] = 255 - changed[:, 4:, :]  # patches 2 and 3 (the bottom row of the grid)
    with torch.no_grad():
        a = model.mixture(model.decode(model.encode(images)))
        b = model.mixture(model.decode(model.encode(changed)))
    for x, y in zip(a, b):
        assert torch.allclose(x[:, :3], y[:, :3])  # position t predicts patch t from patches < t: 0, 1, 2 unchanged
        assert not torch.allclose(x[:, 3], y[:, 3])


def test_weights_round_trip_through_the_app_names_and_layouts(model):
    weights = export_weights(model)
    assert {k: v.shape for k, v in weights.items()} == expected_weight_shapes(MICRO.model)
    assert torch_name("enc0/qkv/w") == "encoder.0.attn.qkv.weight"
    assert torch_name("dec0/ln2/g") == "decoder.0.ln2.weight"
    assert np.array_equal(weights["enc0/qkv/w"], model.encoder[0].attn.qkv.weight.detach().numpy().T)
    other = HybridTransformer(MICRO.model)
    load_weights(other, weights)
    for (name, a), b in zip(model.named_parameters(), other.parameters()):
        assert torch.equal(a, b), name


def test_bits_per_dim_is_the_per_image_nll_over_s_s_3_ln2(model):
    images = fake_images(3, 8)
    with torch.no_grad():
        nats = model.nll_nats(model.decode(model.encode(images)), images)
    assert torch.allclose(model.bits_per_dim(images), nats / (8 * 8 * 3 * np.log(2)))
    bpd, z = model(images, torch.cat([images, images]))
    assert torch.allclose(bpd, model.bits_per_dim(images))
    assert torch.allclose(z.norm(dim=1), torch.ones(6))


def test_crop_and_resize_of_the_whole_image_is_the_image_and_a_flip_mirrors_it():
    images = fake_images(2, 8)
    boxes = np.array([[0, 0, 1, 1], [0, 1, 1, 0]], np.float32)
    out = crop_and_resize(images, boxes, np.array([0, 1]))
    assert torch.equal(out[0], images[0])
    assert torch.equal(out[1], images[1].flip(1))
    # Half the image: output pixel x samples source x/2 (bilinear between neighbours).
    half = crop_and_resize(images, np.array([[0, 0, 1, 7 / 14]], np.float32), np.array([0]))
    assert torch.allclose(half[0, :, 1], (images[0, :, 0] + images[0, :, 1]) / 2)
