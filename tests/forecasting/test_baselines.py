import numpy as np
import pytest
import statsmodels.api as sm

from attn_helpers.data import sliding_windows
from attn_helpers.forecasting.baselines import HarmonicRegression, WindowHarmonicFit, dominant_period, harmonic_design
from attn_helpers.forecasting.data import trend_season, trend_season_noise


def test_harmonic_design_columns_are_one_t_sin_cos():
    design = harmonic_design([0, 5, 12.5], period=50)
    np.testing.assert_allclose(design[:, 0], 1.0)
    np.testing.assert_allclose(design[:, 1], [0, 5, 12.5])
    np.testing.assert_allclose(design[:, 2], [0, np.sin(np.pi / 5), 1.0], atol=1e-12)
    np.testing.assert_allclose(design[:, 3], [1, np.cos(np.pi / 5), 0.0], atol=1e-12)


def test_dominant_period_finds_the_sine_under_a_trend():
    assert dominant_period(trend_season_noise(1400, slope=0.01, period=50, sigma=0.1, seed=0)) == 50
    t = np.arange(240)
    assert dominant_period(3 + 0.5 * t + np.sin(2 * np.pi * t / 24)) == 24


def test_dominant_period_rejects_short_or_2d_input():
    with pytest.raises(ValueError, match="values"):
        dominant_period(np.ones(5))
    with pytest.raises(ValueError, match="values"):
        dominant_period(np.ones((10, 2)))


def test_harmonic_regression_recovers_a_noise_free_signal_exactly():
    t = np.arange(300)
    model = HarmonicRegression(50).fit(t, 2.0 + trend_season(t, slope=0.02, amplitude=1.5, period=50))
    np.testing.assert_allclose(model.coef_, [2.0, 0.02, 1.5, 0.0], atol=1e-9)
    future = np.arange(300, 400)
    np.testing.assert_allclose(model.predict(future), 2.0 + trend_season(future, 0.02, 1.5, 50), atol=1e-9)


def test_harmonic_regression_matches_statsmodels_ols():
    y = trend_season_noise(500, sigma=0.3, seed=4)
    t = np.arange(500)
    ours = HarmonicRegression(50).fit(t, y)
    reference = sm.OLS(y, harmonic_design(t, 50)).fit()
    np.testing.assert_allclose(ours.coef_, reference.params, rtol=1e-9)
    with pytest.raises(ValueError, match="period"):
        HarmonicRegression(0)


def test_window_fit_is_exact_on_a_noise_free_series_whatever_the_level_and_phase():
    series = 7.0 + trend_season(np.arange(400), slope=0.01, amplitude=1.3, period=50)
    inputs, targets = sliding_windows(series, window=30)
    model = WindowHarmonicFit(window=30, period=50, slope=0.01)
    np.testing.assert_allclose(model.predict(inputs), targets, atol=1e-9)
    assert abs(model.weights.sum() - 1) < 1e-12  # a constant passes through unchanged


def test_window_fit_leverage_matches_statsmodels_prediction_standard_error():
    window = 30
    design = harmonic_design(np.arange(window + 1), 50)[:, [0, 2, 3]]
    y = np.random.default_rng(0).normal(size=window)
    res = sm.OLS(y, design[:window]).fit()
    se_mean = res.get_prediction(design[window:]).se_mean[0]  # sigma_hat * sqrt(leverage)
    assert WindowHarmonicFit(window, 50).leverage == pytest.approx((se_mean / np.sqrt(res.scale)) ** 2, rel=1e-9)


def test_window_fit_error_is_sigma_times_sqrt_one_plus_leverage():
    y = trend_season_noise(200_000, slope=0.01, period=50, sigma=0.2, seed=1)
    inputs, targets = sliding_windows(y, window=30)
    model = WindowHarmonicFit(30, 50, slope=0.01)
    ratio = np.sqrt(np.mean((model.predict(inputs) - targets) ** 2)) / 0.2
    assert ratio == pytest.approx(model.expected_ratio, rel=0.01)
    assert 1.0 < model.expected_ratio < 1.2


def test_a_longer_window_has_a_smaller_leverage():
    leverages = [WindowHarmonicFit(w, 50).leverage for w in (10, 20, 30, 60)]
    assert leverages == sorted(leverages, reverse=True)


@pytest.mark.parametrize("kwargs, match", [
    ({"window": 3, "period": 50}, "window"),
    ({"window": 30, "period": 0}, "period"),
])
def test_window_fit_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WindowHarmonicFit(**kwargs)


def test_window_fit_rejects_windows_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"\(n, 30\)"):
        WindowHarmonicFit(30, 50).predict(np.ones((4, 20)))
