import numpy as np

from attn_helpers.forecasting.data import trend_season_noise


def test_trend_season_noise_is_seeded_and_has_the_stated_noise():
    a = trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1)
    assert np.array_equal(a, trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1))
    assert abs(a.std() - 0.3) < 0.01
