import numpy as np
import pytest

from attn_helpers.forecasting.data import FEATURES, known_lag_task, trend_season, trend_season_noise


def test_shapes_splits_and_features():
    task = known_lag_task(n_windows=200, window=48, seed=1)
    assert task.inputs.shape == (200, 48, len(FEATURES)) and task.targets.shape == (200, 1)
    assert task.window == 48 and task.features == FEATURES
    sizes = [s.stop - s.start for s in task.splits.values()]
    assert sum(sizes) == 200 and task.splits["train"].start == 0 and task.splits["test"].stop == 200


def test_target_is_the_driver_at_the_true_lags_plus_noise():
    task = known_lag_task(n_windows=2000, lags=(1, 24), coefficients=(0.6, 0.4), noise=0.1, seed=2)
    driver = task.inputs[..., FEATURES.index("driver")]
    # step i of a 48-step window lies 48 - i hours before the target: lag 1 is the last step
    signal = 0.6 * driver[:, 48 - 1] + 0.4 * driver[:, 48 - 24]
    residual = task.targets[:, 0] - signal
    assert abs(residual.std() - 0.1) < 0.01 and abs(residual.mean()) < 0.01
    # an off-by-one reading (lags 2 and 25) explains nothing
    wrong = 0.6 * driver[:, 48 - 2] + 0.4 * driver[:, 48 - 25]
    assert abs(np.corrcoef(wrong, task.targets[:, 0])[0, 1]) < 0.1


def test_without_noise_the_target_is_exact_and_history_is_the_past_target():
    task = known_lag_task(n_windows=100, window=30, lags=(2, 5, 30), coefficients=(1.0, -0.5, 0.25), noise=0.0)
    driver = task.inputs[..., 0]
    np.testing.assert_allclose(task.targets[:, 0], driver[:, 28] - 0.5 * driver[:, 25] + 0.25 * driver[:, 0])
    history = task.inputs[..., FEATURES.index("target history")]
    # the history of window j+1 ends with the target of window j
    np.testing.assert_allclose(history[1:, -1], task.targets[:-1, 0])


def test_seeded():
    a, b = known_lag_task(n_windows=50, seed=3), known_lag_task(n_windows=50, seed=3)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert not np.array_equal(a.inputs, known_lag_task(n_windows=50, seed=4).inputs)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_windows": 5}, "n_windows"),
    ({"window": 1}, "window"),
    ({"lags": (0, 24)}, "lags"),
    ({"lags": (1, 49)}, "lags"),
    ({"lags": (1, 1), "coefficients": (1, 1)}, "lags"),
    ({"lags": (1, 24), "coefficients": (1.0,)}, "coefficients"),
    ({"noise": -0.1}, "noise"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        known_lag_task(**kwargs)


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
