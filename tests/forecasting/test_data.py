import numpy as np
import pytest

from attn_helpers.forecasting.data import trend_season, trend_season_noise


def test_trend_season_noise_is_the_noise_free_signal_plus_the_drawn_noise():
    y = trend_season_noise(300, slope=0.02, amplitude=1.5, period=40, sigma=0.2, seed=5)
    residual = y - trend_season(np.arange(300), slope=0.02, amplitude=1.5, period=40)
    np.testing.assert_allclose(residual, np.random.default_rng(5).normal(0.0, 0.2, 300), atol=1e-12)
    with pytest.raises(ValueError, match="period"):
        trend_season(np.arange(3), period=0)


def test_trend_season_noise_is_seeded_and_has_the_stated_noise():
    a = trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1)
    assert np.array_equal(a, trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1))
    assert abs(a.std() - 0.3) < 0.01
