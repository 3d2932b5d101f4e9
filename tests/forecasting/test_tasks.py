import numpy as np
import pytest

from attn_helpers.forecasting.tasks import FEATURES, known_lag_task, switch_lag_task


def test_known_lag_shapes_splits_and_features():
    task = known_lag_task(n_windows=200, window=48, seed=1)
    assert task.inputs.shape == (200, 48, len(FEATURES)) and task.targets.shape == (200, 1)
    assert task.window == 48 and task.features == FEATURES
    sizes = [s.stop - s.start for s in task.splits.values()]
    assert sum(sizes) == 200 and task.splits["train"].start == 0 and task.splits["test"].stop == 200


def test_known_lag_target_is_the_driver_at_the_true_lags_plus_noise():
    task = known_lag_task(n_windows=2000, lags=(1, 24), coefficients=(0.6, 0.4), noise=0.1, seed=2)
    driver = task.inputs[..., FEATURES.index("driver")]
    # step i of a 48-step window lies 48 - i hours before the target: lag 1 is the last step
    signal = 0.6 * driver[:, 48 - 1] + 0.4 * driver[:, 48 - 24]
    residual = task.targets[:, 0] - signal
    assert abs(residual.std() - 0.1) < 0.01 and abs(residual.mean()) < 0.01
    # an off-by-one reading (lags 2 and 25) explains nothing
    wrong = 0.6 * driver[:, 48 - 2] + 0.4 * driver[:, 48 - 25]
    assert abs(np.corrcoef(wrong, task.targets[:, 0])[0, 1]) < 0.1


def test_known_lag_without_noise_the_target_is_exact_and_history_is_the_past_target():
    task = known_lag_task(n_windows=100, window=30, lags=(2, 5, 30), coefficients=(1.0, -0.5, 0.25), noise=0.0)
    driver = task.inputs[..., 0]
    np.testing.assert_allclose(task.targets[:, 0], driver[:, 28] - 0.5 * driver[:, 25] + 0.25 * driver[:, 0])
    history = task.inputs[..., FEATURES.index("target history")]
    # the history of window j+1 ends with the target of window j
    np.testing.assert_allclose(history[1:, -1], task.targets[:-1, 0])


def test_known_lag_task_is_seeded():
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
def test_known_lag_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        known_lag_task(**kwargs)


def test_known_lag_split_returns_the_windows_of_that_split():
    task = known_lag_task(n_windows=100, seed=5)
    x, y = task.split("val")
    np.testing.assert_array_equal(x, task.inputs[task.splits["val"]])
    np.testing.assert_array_equal(y, task.targets[task.splits["val"]])


# --- the switching-lag task ------------------------------------------------------------------------

def test_switch_lag_marks_one_step_per_window_at_its_lag():
    task = switch_lag_task(n_windows=500, window=20, seed=1)
    assert task.inputs.shape == (500, 20, 2) and task.targets.shape == (500, 1) and task.lags.shape == (500,)
    marker = task.inputs[..., 1]
    assert np.all(marker.sum(axis=1) == 1)
    # step i lies 20 - i steps before the target: the marked step is the window's lag
    np.testing.assert_array_equal(20 - marker.argmax(axis=1), task.lags)
    assert set(np.unique(task.lags)) == set(range(1, 21))  # every step is a candidate by default


def test_switch_lag_target_is_the_driver_at_the_marked_step_plus_noise():
    task = switch_lag_task(n_windows=4000, window=30, noise=0.1, seed=2)
    rows = np.arange(4000)
    residual = task.targets[:, 0] - task.inputs[rows, 30 - task.lags, 0]
    assert abs(residual.std() - 0.1) < 0.01 and abs(residual.mean()) < 0.01
    # one step off explains nothing
    off_by_one = task.inputs[rows, np.clip(30 - task.lags + 1, 0, 29), 0]
    assert abs(np.corrcoef(off_by_one, task.targets[:, 0])[0, 1]) < 0.1
    exact = switch_lag_task(n_windows=50, window=30, noise=0.0, seed=2)
    np.testing.assert_array_equal(exact.targets[:, 0], exact.inputs[np.arange(50), 30 - exact.lags, 0])


def test_switch_lag_draws_only_the_candidate_lags_and_is_seeded():
    task = switch_lag_task(n_windows=300, window=48, candidate_lags=(1, 24, 48), seed=3)
    assert set(np.unique(task.lags)) == {1, 24, 48}
    again = switch_lag_task(n_windows=300, window=48, candidate_lags=(1, 24, 48), seed=3)
    np.testing.assert_array_equal(task.inputs, again.inputs)
    assert not np.array_equal(task.lags, switch_lag_task(300, 48, (1, 24, 48), seed=4).lags)
    x, y = task.split("test")
    assert len(x) == len(y) == task.splits["test"].stop - task.splits["test"].start


@pytest.mark.parametrize("kwargs, match", [
    ({"n_windows": 5}, "n_windows"),
    ({"window": 1}, "window"),
    ({"candidate_lags": (0, 3)}, "candidate_lags"),
    ({"window": 10, "candidate_lags": (11,)}, "candidate_lags"),
    ({"candidate_lags": ()}, "candidate_lags"),
    ({"noise": -1.0}, "noise"),
])
def test_switch_lag_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        switch_lag_task(**kwargs)
