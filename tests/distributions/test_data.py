import math

import numpy as np
import pytest

from attn_helpers.distributions import data as g


def autocorrelation(x, lag):
    x = np.asarray(x, float) - np.mean(x)
    return float(np.dot(x[:-lag], x[lag:]) / np.dot(x, x))


def excess_kurtosis(x):
    x = np.asarray(x, float) - np.mean(x)
    return float(np.mean(x**4) / np.mean(x**2) ** 2 - 3)


def test_nine_generators_sample_finite_series_of_the_requested_length_reproducibly():
    assert list(g.GENERATORS) == ["HeavyTailedAR1", "GARCH11", "JumpDiffusion", "RegimeSwitching", "TrendBreaks",
                                  "RandomWalk", "SeasonTrendOutliers", "MultiSeasonality", "OneOverFNoise"]
    for gen in g.GENERATORS.values():
        x = gen.sample(500, seed=3)
        assert x.shape == (500,) and np.all(np.isfinite(x))
        np.testing.assert_array_equal(x, gen.sample(500, seed=3))
        assert not np.array_equal(x, gen.sample(500, seed=4))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_over_f_noise_has_spectral_slope_near_minus_one(seed):
    x = g.OneOverFNoise().sample(8192, seed)
    assert -1.15 <= g.spectral_slope(x) <= -0.85
    # and it is not an AR(1): white noise has slope 0, a brown walk -2
    assert abs(g.spectral_slope(g.OneOverFNoise(exponent=2.0).sample(8192, seed)) + 2) < 0.2
    assert abs(g.spectral_slope(np.random.default_rng(seed).standard_normal(8192))) < 0.1
    # the source study's "1/f noise" (AR(1), phi 0.5) is flat at low frequencies, far from -1 there
    ar = np.zeros(8192)
    e = np.random.default_rng(seed).standard_normal(8192)
    for t in range(1, 8192):
        ar[t] = 0.5 * ar[t - 1] + e[t]
    assert g.spectral_slope(ar, f_max=0.05) > -0.3


def test_garch_volatility_clusters_while_returns_are_uncorrelated():
    r, info = g.GARCH11().sample_with_info(20000, seed=0)
    assert abs(autocorrelation(r, 1)) < 0.03
    assert autocorrelation(r**2, 1) > 0.1 and autocorrelation(r**2, 5) > 0.05
    assert abs(np.var(r) - g.GARCH11().unconditional_variance) < 0.15
    # with alpha = 0 there is nothing to cluster
    flat = g.GARCH11(omega=0.2, alpha=0.0, beta=0.8).sample(20000, seed=0)
    assert abs(autocorrelation(flat**2, 1)) < 0.03
    np.testing.assert_allclose(np.abs(r) / info["volatility"], np.abs(r / info["volatility"]))


def test_student_t_noise_is_heavy_tailed_and_the_ar_coefficient_is_recovered():
    gen = g.HeavyTailedAR1()
    x = gen.sample(20000, seed=0)
    noise = x[1:] - gen.phi * x[:-1]
    assert excess_kurtosis(noise) > 3  # Gaussian: 0
    assert abs(autocorrelation(x, 1) - gen.phi) < 0.03
    gaussian_like = g.HeavyTailedAR1(df=200.0).sample(20000, seed=0)
    assert abs(excess_kurtosis(gaussian_like[1:] - 0.7 * gaussian_like[:-1])) < 0.3


def test_random_walk_increments_are_white_with_the_stated_variance():
    x = g.RandomWalk(sigma=2.0).sample(20000, seed=0)
    steps = np.diff(x)
    assert abs(np.var(steps) - 4.0) < 0.2
    for lag in (1, 2, 5, 10):
        assert abs(autocorrelation(steps, lag)) < 0.03
    assert autocorrelation(x, 50) > 0.5  # the level itself is persistent


def test_regimes_persist_with_the_stated_mean_duration():
    gen = g.RegimeSwitching()
    x, info = gen.sample_with_info(20000, seed=0)
    states = info["states"]
    assert abs(np.mean(states[1:] == states[:-1]) - gen.stay_prob) < 0.01
    runs = np.diff(np.flatnonzero(np.diff(states) != 0))
    assert abs(runs.mean() - 1 / (1 - gen.stay_prob)) < 3
    for s, (mean, sd) in enumerate(zip(gen.means, gen.sds)):
        assert abs(x[states == s].mean() - mean) < 0.1 and abs(x[states == s].std() - sd) < 0.1


def test_jumps_occur_at_the_stated_rate():
    gen = g.JumpDiffusion()
    x, info = gen.sample_with_info(40000, seed=0)
    assert abs(info["jumps"].mean() - gen.jump_prob) < 0.005
    # seen in the data alone: the share of steps beyond 5 sigma matches the mixture's tail
    tail = np.mean(np.abs(np.diff(x)) > 5)
    expected = gen.jump_prob * math.erfc(5 / math.sqrt(2 * (gen.jump_sd**2 + 1)))
    assert abs(tail - expected) < 0.003
    assert np.mean(np.abs(np.diff(g.JumpDiffusion(jump_prob=0.0).sample(40000, 0))) > 5) < 1e-4


def test_seasonal_periods_show_in_the_periodogram():
    gen = g.MultiSeasonality()
    freqs, power = g.periodogram(gen.sample(5000, seed=0))
    top = freqs[np.argsort(power)[-3:]]
    np.testing.assert_allclose(sorted(1 / top), sorted(gen.periods), rtol=0.02)
    assert gen.seasonal_period == 50
    st = g.SeasonTrendOutliers()
    x = st.sample(5000, seed=0)
    freqs, power = g.periodogram(np.diff(x))  # differencing removes the trend
    assert abs(1 / freqs[np.argmax(power)] - st.period) < 0.5


def test_trend_breaks_change_the_slope_and_outliers_are_sparse():
    x, info = g.TrendBreaks(noise_sd=0.0).sample_with_info(5000, seed=0)
    slope_changes = np.flatnonzero(np.abs(np.diff(np.diff(x))) > 1e-9) + 2  # first step of each new slope
    assert len(slope_changes) > 20 and set(slope_changes) <= set(np.flatnonzero(info["breaks"]))
    assert abs(info["breaks"].mean() - 0.01) < 0.005
    gen = g.SeasonTrendOutliers()
    _, info = gen.sample_with_info(20000, seed=0)
    assert abs(info["outliers"].mean() - gen.outlier_prob) < 0.004


def test_expected_mse_matches_the_optimal_forecast_on_simulated_data():
    ar = g.HeavyTailedAR1(df=5.0)
    x = ar.sample(50000, seed=1)
    h = 3
    empirical = np.mean((x[h:] - ar.phi**h * x[:-h]) ** 2)
    assert abs(empirical / ar.expected_mse(h)[-1] - 1) < 0.05
    rw = g.RandomWalk()
    assert rw.expected_mse(20).mean() == pytest.approx(10.5)
    jd = g.JumpDiffusion()
    x = jd.sample(50000, seed=1)
    assert abs(np.mean((x[4:] - x[:-4]) ** 2) / jd.expected_mse(4)[-1] - 1) < 0.1
    assert g.RegimeSwitching().expected_mse(5) is None


@pytest.mark.parametrize("name", ["HeavyTailedAR1", "GARCH11", "JumpDiffusion", "RandomWalk",
                                  "SeasonTrendOutliers", "MultiSeasonality"])
def test_oracle_forecast_attains_the_expected_mse(name):
    gen = g.GENERATORS[name]
    x, info = gen.sample_with_info(60000, seed=2)
    targets_at = np.arange(100, 59990, 7)[:, None] + np.arange(5)[None, :]
    oracle = gen.oracle_forecast(x, info, targets_at)
    realised = np.mean((x[targets_at] - oracle) ** 2, axis=0)
    expected = gen.expected_mse(5)
    assert realised.mean() == pytest.approx(expected.mean(), rel=0.1)
    if name in ("HeavyTailedAR1", "JumpDiffusion", "RandomWalk"):  # the error grows with the horizon
        np.testing.assert_allclose(realised, expected, rtol=0.12)
    # a worse forecast (persistence, or the oracle plus noise) is worse
    noisy = oracle + np.random.default_rng(0).normal(0, 0.3, oracle.shape)
    assert np.mean((x[targets_at] - noisy) ** 2) > realised.mean()
    for other in ("RegimeSwitching", "TrendBreaks", "OneOverFNoise"):
        assert g.GENERATORS[other].oracle_forecast(x, info, targets_at) is None


@pytest.mark.parametrize("make, message", [
    (lambda: g.HeavyTailedAR1(phi=1.0), "phi must be in"),
    (lambda: g.HeavyTailedAR1(df=2.0), "df must be in"),
    (lambda: g.GARCH11(alpha=0.5, beta=0.5), "alpha \\+ beta must be < 1"),
    (lambda: g.GARCH11(omega=0.0), "omega must be in"),
    (lambda: g.JumpDiffusion(jump_prob=1.5), "jump_prob must be in"),
    (lambda: g.JumpDiffusion(sigma=-1.0), "sigma must be in"),
    (lambda: g.RegimeSwitching(stay_prob=1.0), "stay_prob must be in"),
    (lambda: g.RegimeSwitching(means=(0.0,), sds=(1.0,)), "same length >= 2"),
    (lambda: g.TrendBreaks(break_prob=-0.1), "break_prob must be in"),
    (lambda: g.RandomWalk(sigma=0.0), "sigma must be in"),
    (lambda: g.SeasonTrendOutliers(period=1), "period must be an int >= 2"),
    (lambda: g.MultiSeasonality(periods=(10, 1), amplitudes=(1.0, 1.0)), "periods\\[1\\] must be"),
    (lambda: g.MultiSeasonality(periods=(10,), amplitudes=(1.0, 1.0)), "same length"),
    (lambda: g.OneOverFNoise(exponent=3.0), "exponent must be in"),
    (lambda: g.RandomWalk().sample(1, seed=0), "length must be an int >= 2"),
    (lambda: g.RandomWalk().sample(100, seed=-1), "seed must be a non-negative int"),
    (lambda: g.spectral_slope(np.ones(100), f_min=0.3, f_max=0.2), "f_min < f_max"),
])
def test_bad_parameters_raise_a_clear_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_seasonal_ar_best_forecast_reads_one_known_input_per_step():
    gen = g.SeasonalAR(period=6, phi=0.8)
    x = gen.sample(60000, seed=0)
    assert abs(autocorrelation(x, 6) - 0.8) < 0.02 and abs(autocorrelation(x, 1)) < 0.02
    keys = gen.relevant_keys(input_len=10, horizon=4)
    np.testing.assert_array_equal(keys, [4, 5, 6, 7])  # step h reads x_{t+h-6}, t = input 9
    targets_at = np.arange(100, 59990, 7)[:, None] + np.arange(4)[None, :]
    window_start = targets_at[:, :1] - 10
    np.testing.assert_array_equal(gen.oracle_forecast(x, {}, targets_at), 0.8 * x[window_start + keys])
    realised = np.mean((x[targets_at] - gen.oracle_forecast(x, {}, targets_at)) ** 2)
    assert realised == pytest.approx(gen.expected_mse(4).mean(), rel=0.05)
    with pytest.raises(ValueError, match="period must be in"):
        gen.relevant_keys(input_len=10, horizon=7)
    with pytest.raises(ValueError, match="phi must be in"):
        g.SeasonalAR(phi=1.0)


def test_garch_variance_forecast_is_the_conditional_mean_of_the_squared_returns():
    gen = g.GARCH11()
    r, info = gen.sample_with_info(200000, seed=0)
    targets_at = np.arange(10, 199980, 3)[:, None] + np.arange(5)[None, :]
    forecast = gen.variance_forecast(info, targets_at)
    np.testing.assert_allclose(forecast[:, 0], info["volatility"][targets_at[:, 0]] ** 2)
    # unbiased at every step, and better than the unconditional variance
    np.testing.assert_allclose((r[targets_at] ** 2 - forecast).mean(0), 0, atol=0.02)
    unconditional = np.mean((r[targets_at] ** 2 - gen.unconditional_variance) ** 2)
    assert np.mean((r[targets_at] ** 2 - forecast) ** 2) < unconditional


def test_instance_normaliser_scales_each_window_by_its_own_inputs_and_inverts():
    rng = np.random.default_rng(0)
    inputs = rng.normal(5.0, 3.0, (4, 20))
    targets = rng.normal(5.0, 3.0, (4, 3))
    norm = g.InstanceNormaliser()
    scaled = norm.transform(inputs)
    np.testing.assert_allclose(scaled.mean(1), 0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(1), 1)
    np.testing.assert_allclose(norm.inverse(norm.transform(inputs, targets), inputs), targets)
    # the targets never enter the statistics
    np.testing.assert_allclose(norm.transform(inputs, targets + 100)[:, 0] - norm.transform(inputs, targets)[:, 0],
                               100 / inputs.std(1))
    assert np.all(np.isfinite(norm.transform(np.ones((2, 5)))))


def test_forecast_task_windows_scales_and_maps_back_values_and_squares():
    series_gen = g.GARCH11()
    task = g.make_task(series_gen, 800, seed=0, window=30, horizon=5, strides=(2, 1, 1))
    x, y = task.scaled("train")
    assert x.shape == (len(task.inputs("train")), 30) and y.shape[1] == 5
    np.testing.assert_allclose(task.to_original(y.numpy(), "train"), task.targets("train"), rtol=1e-5, atol=1e-5)
    squares = g.ForecastTask("vol", series_gen, task.data, task.info, target="square")
    xs, ys = squares.scaled("test")
    np.testing.assert_allclose(xs, task.scaled("test")[0])  # the same inputs
    np.testing.assert_allclose(squares.targets("test"), task.targets("test") ** 2)
    np.testing.assert_allclose(squares.to_original(ys.numpy(), "test"), squares.targets("test"), rtol=1e-5, atol=1e-6)
    assert np.all(ys.numpy() >= 0)
    np.testing.assert_array_equal(task.targets_at("test")[:, 0], task.data.first_target["test"])
    with pytest.raises(ValueError, match="target must be one of"):
        g.ForecastTask("x", series_gen, task.data, task.info, target="log")
