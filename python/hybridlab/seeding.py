"""The app's seeded host randomness, bit for bit: src/model/rng.ts (hashSeed, mulberry32 Rng: initial
weights, augmentation parameters) and src/random.ts (mixSeed, shuffles: data order and splits).
JavaScript does this arithmetic on 32-bit integers; here every result is masked to 32 bits."""

import math

import numpy as np

MASK = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & MASK


def hash_seed(*words: int) -> int:
    """rng.ts hashSeed: mixes integers into one 32-bit seed (murmur3-style finaliser per word)."""
    h = 0x9E3779B9
    for word in words:
        k = ((word & MASK) ^ ((word // 4294967296) & MASK)) * 0xCC9E2D51 & MASK
        k = _rotl(k, 15) * 0x1B873593 & MASK
        h = _rotl(h ^ k, 13)
        h = (h * 5 + 0xE6546B64) & MASK
    h ^= h >> 16
    h = h * 0x85EBCA6B & MASK
    h ^= h >> 13
    h = h * 0xC2B2AE35 & MASK
    return h ^ (h >> 16)


def mix_seed(*parts: int) -> int:
    """random.ts mixSeed: the seed of one (seed, epoch) stream."""
    h = 0x9E3779B9
    for p in parts:
        h = (h ^ (p & MASK)) * 0x85EBCA6B & MASK
        h ^= h >> 13
        h = h * 0xC2B2AE35 & MASK
        h ^= h >> 16
    return h


class Rng:
    """mulberry32, as rng.ts Rng and random.ts mulberry32 (the same generator)."""

    def __init__(self, seed: int):
        self.state = seed & MASK

    def next(self) -> float:
        """Uniform in [0, 1) with 32 bits of resolution."""
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = (t ^ (t >> 15)) * (t | 1) & MASK
        t ^= (t + ((t ^ (t >> 7)) * (t | 61) & MASK)) & MASK
        return (t ^ (t >> 14)) / 4294967296

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.next()

    def open01(self) -> float:
        return (self.next() * 4294967295 + 0.5) / 4294967296

    def normal(self) -> float:
        u = self.open01()
        v = self.next()
        return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)

    def bernoulli(self, p: float) -> bool:
        return self.next() < p


def shuffle_in_place(values, rng: Rng):
    """random.ts shuffleInPlace: Fisher-Yates from the last element down."""
    for i in range(len(values) - 1, 0, -1):
        j = math.floor(rng.next() * (i + 1))
        values[i], values[j] = values[j], values[i]
    return values


def permutation(count: int, seed: int, epoch: int) -> np.ndarray:
    """data/batcher.ts permutation: the image order of one epoch, from (seed, epoch) alone."""
    return np.array(shuffle_in_place(list(range(count)), Rng(mix_seed(seed, epoch))), dtype=np.int64)


def seeded_permutation(count: int, seed: int) -> np.ndarray:
    """random.ts seededPermutation: how a fixed evaluation (or check-set) subset is drawn."""
    return np.array(shuffle_in_place(list(range(count)), Rng(seed)), dtype=np.int64)
