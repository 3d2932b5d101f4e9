import numpy as np
import pytest
import torch

from attn_helpers.distributions import metrics as am

T = 8
UNIFORM = np.full((T, T), 1 / T)
DIAGONAL = np.eye(T)
STRIPE = np.zeros((T, T))
STRIPE[:, 3] = 1.0  # every query attends to key 3


def softmax_rows(scores):
    e = np.exp(scores - scores.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_entropy_and_gini_at_the_extremes():
    assert am.row_entropy(UNIFORM) == pytest.approx(1.0)
    assert am.row_entropy(DIAGONAL) == pytest.approx(0.0)
    assert am.gini(UNIFORM) == pytest.approx(0.0)
    assert am.gini(DIAGONAL) == pytest.approx(1 - 1 / T)
    # gini against a direct pairwise formula: sum |w_i - w_j| / (2 n sum w)
    w = softmax_rows(np.random.default_rng(0).normal(size=(5, T)))
    direct = np.abs(w[:, :, None] - w[:, None, :]).sum((1, 2)) / (2 * T * w.sum(1))
    assert am.gini(w[None])[0] == pytest.approx(direct.mean())


def test_metrics_accept_torch_tensors_and_batches():
    maps = torch.softmax(torch.randn(3, 2, T, T), -1)
    assert am.row_entropy(maps).shape == (3, 2)
    np.testing.assert_allclose(am.row_entropy(maps), am.row_entropy(maps.numpy()))


def test_lag_profile_finds_a_fixed_offset():
    shifted = np.zeros((T, T))
    for q in range(T):
        shifted[q, max(q - 3, 0)] = 1.0  # each query looks 3 steps back (clipped at the start)
    offsets, profile = am.lag_profile(shifted)
    assert offsets[np.argmax(profile)] == 3
    np.testing.assert_allclose(am.lag_profile(UNIFORM)[1], 1 / T)
    np.testing.assert_allclose(am.lag_profile(DIAGONAL)[1][offsets == 0], 1.0)


def test_local_strength_is_one_for_uniform_and_high_for_a_diagonal():
    assert am.local_strength(UNIFORM) == pytest.approx(1.0)
    band = (np.abs(np.arange(T)[:, None] - np.arange(T)[None]) <= 2).sum()
    assert am.local_strength(DIAGONAL) == pytest.approx(T * T / band)
    assert am.local_strength(STRIPE) < am.local_strength(DIAGONAL)
    with pytest.raises(ValueError, match="width must be >= 0"):
        am.local_strength(UNIFORM, width=-1)


def test_vertical_stripes_and_focused_rows_vary_unlike_the_seeds_row_sum_variance():
    # the source study's "vertical" metric, the variance of row sums, is 0 for every one of these maps
    for w in (UNIFORM, DIAGONAL, STRIPE):
        assert np.var(w.sum(-1)) == pytest.approx(0.0)
    assert am.vertical_stripe_score(UNIFORM) == pytest.approx(1.0)
    assert am.vertical_stripe_score(DIAGONAL) == pytest.approx(1.0)  # focused rows, but on different keys
    assert am.vertical_stripe_score(STRIPE) == pytest.approx(T)
    assert am.focused_row_share(UNIFORM) == 0.0
    assert am.focused_row_share(DIAGONAL) == 1.0 and am.focused_row_share(STRIPE) == 1.0
    half = UNIFORM.copy()
    half[:4] = DIAGONAL[:4]
    assert am.focused_row_share(half) == 0.5
    with pytest.raises(ValueError, match="factor must be in"):
        am.focused_row_share(UNIFORM, factor=1.0)


def test_key_mass_ratio_reads_attention_on_marked_keys_against_uniform():
    keys = np.zeros(T, bool)
    keys[3] = True
    assert am.key_mass_ratio(UNIFORM, keys) == pytest.approx(1.0)
    assert am.key_mass_ratio(STRIPE, keys) == pytest.approx(T)
    batch = np.stack([UNIFORM, STRIPE])
    masks = np.zeros((2, T), bool)
    masks[1, 3] = True
    ratio = am.key_mass_ratio(batch, masks)
    assert np.isnan(ratio[0]) and ratio[1] == pytest.approx(T)


def test_summarize_gives_the_five_source_metrics_per_map():
    s = am.summarize(np.stack([UNIFORM, STRIPE]))
    assert set(s) == {"entropy", "gini", "diagonal", "vertical", "horizontal"}
    assert [s[k][0] for k in ("entropy", "gini", "diagonal", "vertical", "horizontal")] == \
        pytest.approx([1.0, 0.0, 1.0, 1.0, 0.0])
    assert s["vertical"][1] == pytest.approx(T) and s["horizontal"][1] == 1.0 and s["entropy"][1] == pytest.approx(0)


def test_rectangular_maps_need_query_positions():
    # 2 queries at positions 8 and 9 (after the 8 keys), each on the key 3 steps back
    maps = np.zeros((2, T))
    maps[0, 5], maps[1, 6] = 1.0, 1.0
    lags, profile = am.lag_profile(maps, query_positions=[8, 9])
    assert lags[0] == 1 and lags[-1] == 9 and lags[np.argmax(profile)] == 3
    assert profile[lags == 3] == pytest.approx(1.0)  # both pairs at lag 3 carry weight 1
    lags, profile = am.lag_profile(np.full((2, T), 1 / T), query_positions=[8, 9])
    np.testing.assert_allclose(profile, 1 / T)
    assert am.local_strength(maps, width=3, query_positions=[8, 9]) == pytest.approx(2 / (3 + 2) * T / 1)
    with pytest.raises(ValueError, match="give query_positions"):
        am.lag_profile(np.full((3, 4), 0.25))
    with pytest.raises(ValueError, match="query_positions must have shape"):
        am.lag_profile(maps, query_positions=[1, 2, 3])


def test_key_mass_is_the_marked_share_for_a_uniform_map():
    keys = np.zeros(T, bool)
    keys[[2, 5]] = True
    assert am.key_mass(UNIFORM, keys) == pytest.approx(2 / T)
    assert am.key_mass(STRIPE, keys) == 0.0
    per_query = np.eye(T, dtype=bool)  # each query its own key
    assert am.key_mass(DIAGONAL, per_query) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="do not broadcast"):
        am.key_mass(UNIFORM, np.ones(3, bool))


def test_input_checks():
    with pytest.raises(ValueError, match="every row must sum to 1"):
        am.row_entropy(UNIFORM * 2)
    with pytest.raises(ValueError, match="shape"):
        am.gini(np.ones(4) / 4)
