"""Centre-crop to a square, area-average to S×S, gray to RGB (src/data/resample.ts), with the app's
arithmetic: weights in float32, row sums stored as float32, round half up. Raw formats (CIFAR, IDX)
then give the same bytes as in the browser."""

import math
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=64)
def area_taps(src_len: int, out_len: int):
    """For each output coordinate, the source coordinates it covers and their area weights (float32)."""
    scale = src_len / out_len
    taps = []
    for o in range(out_len):
        a, b = o * scale, (o + 1) * scale
        row = []
        for i in range(math.floor(a), math.ceil(b - 1e-9)):
            w = min(b, i + 1) - max(a, i)
            if w > 1e-9:
                row.append((i, float(np.float32(w / scale))))
        taps.append(tuple(row))
    return tuple(taps)


def centre_square(pixels: np.ndarray) -> np.ndarray:
    """The centred square of (..., H, W, C) images, as (..., side, side, C)."""
    h, w = pixels.shape[-3:-1]
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    return pixels[..., y0 : y0 + side, x0 : x0 + side, :]


def resample_square(pixels: np.ndarray, size: int) -> np.ndarray:
    """(..., H, W) gray or (..., H, W, 3) RGB uint8 → (..., size, size, 3) uint8; leading axes are
    images resampled together. Gray is resampled as one channel and then copied to three."""
    gray = pixels.shape[-1] != 3
    square = centre_square(pixels[..., None] if gray else pixels)
    side = square.shape[-2]
    out = square if side == size else _area_average(square, size)
    return np.ascontiguousarray(np.repeat(out, 3, axis=-1) if gray else out, dtype=np.uint8)


def _area_average(square: np.ndarray, size: int) -> np.ndarray:
    side, channels = square.shape[-2], square.shape[-1]
    lead = square.shape[:-3]
    taps = area_taps(side, size)
    source = square.astype(np.float64)
    rows = np.zeros(lead + (side, size, channels), np.float64)
    for x, row in enumerate(taps):  # along each row; sums in the app's order
        acc = np.zeros(lead + (side, channels), np.float64)
        for i, w in row:
            acc = acc + w * source[..., i, :]
        rows[..., x, :] = acc
    rows = rows.astype(np.float32).astype(np.float64)  # the app keeps this pass in a Float32Array
    out = np.zeros(lead + (size, size, channels), np.float64)
    for y, row in enumerate(taps):  # then down each column
        acc = np.zeros(lead + (size, channels), np.float64)
        for i, w in row:
            acc = acc + w * rows[..., i, :, :]
        out[..., y, :, :] = acc
    return np.floor(out + 0.5).astype(np.uint8)  # Math.round
