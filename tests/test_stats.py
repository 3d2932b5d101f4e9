import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from attn_helpers import stats


def test_block_bootstrap_ratio_is_the_rmse_ratio_with_an_interval_around_it():
    rng = np.random.default_rng(0)
    target = rng.normal(size=500)
    a, b = target + rng.normal(0, 1.0, 500), target + rng.normal(0, 2.0, 500)
    out = stats.block_bootstrap_ratio(a, b, target, block=25, n_boot=500, seed=1)
    rmse = lambda p: math.sqrt(np.mean((p - target) ** 2))
    assert out["ratio"] == pytest.approx(rmse(a) / rmse(b))
    assert out["ci_low"] < out["ratio"] < out["ci_high"] < 1.0  # a is clearly better than b
    assert out == stats.block_bootstrap_ratio(a, b, target, block=25, n_boot=500, seed=1)  # seeded


def test_equal_forecasts_give_a_ratio_of_exactly_one_and_a_tie():
    target = np.arange(100.0)
    pred = target + np.sin(target)
    out = stats.block_bootstrap_ratio(pred, pred, target, n_boot=200)
    assert out == {"ratio": 1.0, "ci_low": 1.0, "ci_high": 1.0}
    assert stats.verdict(out["ci_low"], out["ci_high"]) == "tie"


def test_mse_ratio_is_the_square_of_the_rmse_ratio_and_multi_step_targets_are_averaged_per_origin():
    rng = np.random.default_rng(2)
    target = rng.normal(size=(200, 5))
    a, b = target + rng.normal(size=(200, 5)), target + 2 * rng.normal(size=(200, 5))
    root = stats.block_bootstrap_ratio(a, b, target, n_boot=200)
    square = stats.block_bootstrap_ratio(a, b, target, n_boot=200, root=False)
    assert square["ratio"] == pytest.approx(root["ratio"] ** 2)
    assert square["ci_low"] == pytest.approx(root["ci_low"] ** 2)


def test_wider_blocks_widen_the_interval_of_serially_correlated_errors():
    rng = np.random.default_rng(3)
    drift = np.cumsum(rng.normal(size=2000)) * 0.05  # errors of a that wander slowly
    target = np.zeros(2000)
    a, b = drift + rng.normal(0, 0.3, 2000), rng.normal(0, 1.0, 2000)
    narrow = stats.block_bootstrap_ratio(a, b, target, block=1, n_boot=500)
    wide = stats.block_bootstrap_ratio(a, b, target, block=100, n_boot=500)
    assert wide["ci_high"] - wide["ci_low"] > 1.5 * (narrow["ci_high"] - narrow["ci_low"])


@pytest.mark.parametrize("kwargs, message", [
    (dict(block=0), r"block must be in \[1, 50\]"),
    (dict(block=51), r"block must be in \[1, 50\]"),
    (dict(n_boot=10), "n_boot must be >= 100"),
    (dict(confidence=1.0), r"confidence must be in \[0.5, 1\)"),
])
def test_block_bootstrap_rejects_bad_arguments(kwargs, message):
    x = np.zeros(50)
    with pytest.raises(ValueError, match=message):
        stats.block_bootstrap_ratio(x + 1, x + 2, x, **kwargs)
    with pytest.raises(ValueError, match="same shape"):
        stats.block_bootstrap_ratio(x[:10], x, x)


def test_seed_spread_matches_scipy_t_interval():
    values = [1.14, 1.17, 1.20, 1.16]
    out = stats.seed_spread(values)
    low, high = scipy_stats.t.interval(0.95, 3, loc=np.mean(values), scale=scipy_stats.sem(values))
    assert out["ci_low"] == pytest.approx(low) and out["ci_high"] == pytest.approx(high)
    assert (out["min"], out["max"], out["n"]) == (1.14, 1.20, 4)
    assert out["sd"] == pytest.approx(np.std(values, ddof=1))
    with pytest.raises(ValueError, match="at least 2 seeds"):
        stats.seed_spread([1.0])


@pytest.mark.parametrize("low, high, lower_is_better, expected", [
    (0.8, 0.95, True, "better"), (1.05, 1.2, True, "worse"), (0.9, 1.1, True, "tie"),
    (0.8, 0.95, False, "worse"), (1.05, 1.2, False, "better"),
])
def test_verdict_calls_an_interval_containing_the_reference_a_tie(low, high, lower_is_better, expected):
    assert stats.verdict(low, high, lower_is_better=lower_is_better) == expected
    with pytest.raises(ValueError, match="ci_low must be <= ci_high"):
        stats.verdict(2.0, 1.0)
