"""The app's seeded randomness, bit for bit. Known values printed by the app's own code
(src/model/rng.ts, src/random.ts, src/data/batcher.ts, src/model/augment.ts; pinned on that side by
src/model/rng.test.ts)."""

import numpy as np

from hybridlab.augment import clean_flips, draw_view_params
from hybridlab.seeding import Rng, hash_seed, mix_seed, permutation


def test_hash_seed_matches_the_app():
    assert hash_seed(1, 2, 3) == 3906383291
    assert hash_seed(4294967295, 0) == 550869090
    assert hash_seed(*(ord(c) for c in "enc0/qkv/w")) == 3698740686


def test_mulberry32_matches_the_app():
    rng = Rng(hash_seed(7, 3, 0x5EED01))
    assert [rng.next(), rng.next(), rng.normal()] == [0.5859227229375392, 0.44030007580295205, 0.39419875320311387]
    assert mix_seed(1, 0) == 2556643648
    assert Rng(mix_seed(1, 0)).next() == 0.12761708442121744
    assert Rng(12345).next() == 0.9797282677609473


def test_the_epoch_permutation_matches_the_app():
    assert permutation(10, 1, 2).tolist() == [2, 8, 4, 1, 5, 3, 6, 9, 7, 0]


def test_view_parameters_match_the_app():
    p = draw_view_params(2, 2, 7, 3)
    expected_boxes = [
        [0.08274024724960327, 0.15765675902366638, 0.914670467376709, 0.9614960551261902],
        [0.2546534240245819, 0.23322394490242004, 0.8291693925857544, 0.9531257152557373],
        [0.14769971370697021, 0.46225395798683167, 0.6448422074317932, 0.9215303659439087],
        [0.2736395001411438, 0.6587153077125549, 0.9948313236236572, 0.10140924155712128],  # x1 > x2: flipped
    ]
    assert p.boxes.tolist() == expected_boxes
    assert p.box_index.tolist() == [0, 1, 0, 1]
    assert p.pixel_matrix[0].ravel().tolist() == [
        0.7695315480232239,
        -0.06546825915575027,
        0.12302939593791962,
        -0.01195604633539915,
        0.7282481789588928,
        -0.1763421893119812,
        -0.06966441869735718,
        0.02513117901980877,
        0.7412238717079163,
    ]
    # View 2 is grayscale after jitter: every output channel is the same mix of the inputs.
    assert np.allclose(p.pixel_matrix[1], p.pixel_matrix[1][:, :1]) and p.pixel_matrix[1][0, 0] == np.float32(0.19381219148635864)
    assert p.mean_matrix[0, 0].tolist() == [0.06589613854885101] * 3


def test_clean_flips_match_the_app():
    assert clean_flips(8, 7, 3).astype(int).tolist() == [1, 1, 0, 0, 1, 1, 0, 1]
