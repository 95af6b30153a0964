"""The app's views, reproduced: src/model/augment.ts. Parameters are drawn on the host from the same
seeded generator keyed by (seed, step), so Python makes the same crops, flips and colour changes as the
browser for the same step; the pixels are then computed with torch.

Geometry is TensorFlow's crop_and_resize (bilinear, box corners mapped onto pixel centres, a flip is a
box with x1 > x2). Colour is affine per view in the pixel and the view's mean colour, out = A·x + C·μ,
clipped to [0, 255] once at the end."""

import math
from dataclasses import dataclass

import numpy as np
import torch

from .seeding import Rng, hash_seed

GRAY = [0.299, 0.587, 0.114]  # torchvision rgb_to_grayscale weights
RGB_TO_YIQ = [0.299, 0.587, 0.114, 0.596, -0.274, -0.322, 0.211, -0.523, 0.312]
VIEW_STREAM = 0x5EED01
CLEAN_STREAM = 0x5EED02


# 3×3 matrices as row-major lists of 9 floats, with the app's operation order (results must match to the bit).
def _mul3(a, b):
    out = [0.0] * 9
    for i in range(3):
        for j in range(3):
            for k in range(3):
                out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j]
    return out


def _add3(a, b):
    return [u + v for u, v in zip(a, b)]


def _scale3(a, s):
    return [u * s for u in a]


def _inverse3(m):
    a, b, c, d, e, f, g, h, i = m
    A = e * i - f * h
    B = -(d * i - f * g)
    C = d * h - e * g
    det = a * A + b * B + c * C
    adj = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d]
    return [v / det for v in adj]


IDENTITY = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0]
TO_GRAY = GRAY * 3
YIQ_TO_RGB = _inverse3(RGB_TO_YIQ)


def _hue_matrix(hue: float):
    c = math.cos(2 * math.pi * hue)
    s = math.sin(2 * math.pi * hue)
    return _mul3(YIQ_TO_RGB, _mul3([1, 0, 0, 0, c, -s, 0, s, c], RGB_TO_YIQ))


def _draw_crop(rng: Rng):
    """torchvision RandomResizedCrop(scale 0.2–1, ratio 3/4–4/3) in normalised [y1, x1, y2, x2]."""
    for _ in range(10):
        area = rng.uniform(0.2, 1)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        w = math.sqrt(area * ratio)
        h = math.sqrt(area / ratio)
        if w <= 1 and h <= 1:
            y = rng.uniform(0, 1 - h)
            x = rng.uniform(0, 1 - w)
            return [y, x, y + h, x + w]
    return [0.0, 0.0, 1.0, 1.0]


def _draw_colour(rng: Rng):
    """Colour jitter (p = 0.8, random order) then grayscale (p = 0.2), composed into (A, C)."""
    a, c = IDENTITY, [0.0] * 9

    def linear(m):
        nonlocal a, c
        a, c = _mul3(m, a), _mul3(m, c)

    if rng.bernoulli(0.8):
        brightness = rng.uniform(0.6, 1.4)
        contrast = rng.uniform(0.6, 1.4)
        saturation = rng.uniform(0.6, 1.4)
        hue = rng.uniform(-0.1, 0.1)
        order = [0, 1, 2, 3]
        for i in range(3, 0, -1):
            j = math.floor(rng.next() * (i + 1))
            order[i], order[j] = order[j], order[i]
        for op in order:
            if op == 0:
                linear(_scale3(IDENTITY, brightness))
            elif op == 2:
                linear(_add3(_scale3(IDENTITY, saturation), _scale3(TO_GRAY, 1 - saturation)))
            elif op == 3:
                linear(_hue_matrix(hue))
            else:  # contrast: blend with the mean gray of the current image, whose mean is (A + C)·μ
                mean_gray = _mul3(TO_GRAY, _add3(a, c))
                a = _scale3(a, contrast)
                c = _add3(_scale3(c, contrast), _scale3(mean_gray, 1 - contrast))
    if rng.bernoulli(0.2):
        linear(TO_GRAY)
    return a, c


@dataclass
class ViewParams:
    boxes: np.ndarray  # (V, 4) float32 [y1, x1, y2, x2]; x1 > x2 flips
    box_index: np.ndarray  # (V,) source image of each view
    pixel_matrix: np.ndarray  # (V, 3, 3) float32 Aᵀ, for row vectors x·Aᵀ
    mean_matrix: np.ndarray  # (V, 3, 3) float32 Cᵀ

    def rows(self, which) -> "ViewParams":
        """The parameters of some views only (the views of one process's share of a batch)."""
        return ViewParams(self.boxes[which], self.box_index[which], self.pixel_matrix[which], self.mean_matrix[which])


def draw_view_params(batch: int, views: int, seed: int, step: int) -> ViewParams:
    """`views` augmented views of each of `batch` images for (seed, step); view v of image i is row v·B + i."""
    rng = Rng(hash_seed(seed, step, VIEW_STREAM))
    n = batch * views
    boxes = np.zeros((n, 4), np.float64)
    pixel = np.zeros((n, 3, 3), np.float64)
    mean = np.zeros((n, 3, 3), np.float64)
    for r in range(n):
        y1, x1, y2, x2 = _draw_crop(rng)
        flip = rng.bernoulli(0.5)
        boxes[r] = [y1, x2, y2, x1] if flip else [y1, x1, y2, x2]
        a, c = _draw_colour(rng)
        pixel[r] = np.array(a).reshape(3, 3).T
        mean[r] = np.array(c).reshape(3, 3).T
    # The app keeps these in Float32Arrays: round the same way before they are used.
    return ViewParams(boxes.astype(np.float32), np.arange(n) % batch, pixel.astype(np.float32), mean.astype(np.float32))


def crop_and_resize(images: torch.Tensor, boxes: np.ndarray, box_index: np.ndarray) -> torch.Tensor:
    """TensorFlow's crop_and_resize, bilinear, output the input's size: images (B,H,W,C) → (V,H,W,C).
    Boxes lie inside [0, 1], so no sample falls outside the image (no extrapolation value)."""
    _, h, w, _ = images.shape
    device = images.device
    b = torch.from_numpy(boxes.astype(np.float64)).to(device)
    steps_y = torch.arange(h, dtype=torch.float64, device=device)
    steps_x = torch.arange(w, dtype=torch.float64, device=device)
    # Source coordinate of output row y: y1·(H−1) + y·(y2 − y1)·(H−1)/(H−1), as crop_and_resize_op.cc.
    in_y = b[:, 0:1] * (h - 1) + steps_y * ((b[:, 2:3] - b[:, 0:1]) * (h - 1) / (h - 1))  # (V, H)
    in_x = b[:, 1:2] * (w - 1) + steps_x * ((b[:, 3:4] - b[:, 1:2]) * (w - 1) / (w - 1))  # (V, W)
    top, bottom = in_y.floor().long(), in_y.ceil().long()
    left, right = in_x.floor().long(), in_x.ceil().long()
    y_lerp = (in_y - top).float()[:, :, None, None]
    x_lerp = (in_x - left).float()[:, None, :, None]
    src = images.float()[torch.from_numpy(box_index).long().to(device)]  # (V, H, W, C)
    v = torch.arange(src.shape[0], device=device)[:, None, None]

    def at(rows, cols):
        return src[v, rows[:, :, None], cols[:, None, :]]  # (V, H, W, C)

    upper = at(top, left) + (at(top, right) - at(top, left)) * x_lerp
    lower = at(bottom, left) + (at(bottom, right) - at(bottom, left)) * x_lerp
    return upper + (lower - upper) * y_lerp


def apply_views(images: torch.Tensor, params: ViewParams) -> torch.Tensor:
    """Drawn view parameters applied to images (B,S,S,3) in 0..255 → views (V,S,S,3) in [0, 255]."""
    n, h, w, ch = len(params.box_index), images.shape[1], images.shape[2], images.shape[3]
    pixels = crop_and_resize(images, params.boxes, params.box_index).reshape(n, h * w, ch)  # (V, S·S, 3)
    mean = pixels.mean(dim=1, keepdim=True)  # μ per view: (V, 1, 3)
    a, c = (torch.from_numpy(m).to(images.device) for m in (params.pixel_matrix, params.mean_matrix))
    coloured = pixels @ a + mean @ c
    return coloured.clamp(0, 255).reshape(n, h, w, ch)


def augment_views(images: torch.Tensor, seed: int, step: int, views: int = 2) -> torch.Tensor:
    """The contrastive views of a training step: (views·B, S, S, 3)."""
    return apply_views(images, draw_view_params(images.shape[0], views, seed, step))


def clean_flips(batch: int, seed: int, step: int) -> np.ndarray:
    """Which images of the clean (L_gen) batch are mirrored: a horizontal flip with p = 0.5."""
    rng = Rng(hash_seed(seed, step, CLEAN_STREAM))
    return np.array([rng.bernoulli(0.5) for _ in range(batch)], dtype=bool)


def clean_view(images: torch.Tensor, seed: int, step: int) -> torch.Tensor:
    """The clean view for L_gen: values untouched (exact integers), some images mirrored."""
    flips = torch.from_numpy(clean_flips(images.shape[0], seed, step)).to(images.device)
    return torch.where(flips[:, None, None, None], images.flip(2), images)
