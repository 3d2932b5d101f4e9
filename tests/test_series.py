import numpy as np
import pytest

from attn_helpers import series


def test_trend_season_noise_is_seeded_and_has_the_stated_noise():
    a = series.trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1)
    assert np.array_equal(a, series.trend_season_noise(5000, slope=0.0, amplitude=0.0, sigma=0.3, seed=1))
    assert abs(a.std() - 0.3) < 0.01


def test_sliding_windows_pairs_each_window_with_the_next_value():
    x, y = series.sliding_windows(np.arange(10.0), window=3)
    assert x.shape == (7, 3) and y.shape == (7, 1)
    assert x[0].tolist() == [0, 1, 2] and y[0, 0] == 3
    assert x[-1].tolist() == [6, 7, 8] and y[-1, 0] == 9


@pytest.mark.parametrize("window", [0, 10, 11])
def test_window_must_be_shorter_than_the_series(window):
    with pytest.raises(ValueError, match=r"window must be in \[1, 9\]"):
        series.sliding_windows(np.arange(10.0), window=window)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_rejected_with_their_position(bad):
    y = np.arange(10.0)
    y[4] = bad
    with pytest.raises(ValueError, match="series must be finite.*index 4"):
        series.sliding_windows(y, window=3)


def test_chronological_split_keeps_time_order_and_covers_everything():
    train, val, test = series.chronological_split(100)
    assert (train.start, train.stop, val.stop, test.stop) == (0, 70, 85, 100)


@pytest.mark.parametrize("fractions, message", [
    ((0.7, 0.3), "must hold 3 values"),
    ((0.0, 0.5, 0.5), r"fractions\[train\] must be in \(0, 1\)"),
    ((0.7, 0.2, 1.2), r"fractions\[test\] must be in \(0, 1\)"),
    ((0.5, 0.2, 0.2), "must sum to 1"),
])
def test_split_fractions_out_of_range_are_rejected(fractions, message):
    with pytest.raises(ValueError, match=message):
        series.chronological_split(100, fractions)


def test_an_empty_split_is_rejected():
    with pytest.raises(ValueError, match="the val split of n=3 items .* is empty"):
        series.chronological_split(3, (0.8, 0.1, 0.1))


def test_scaler_uses_training_statistics_only_and_inverts():
    scaler = series.Scaler.fit(np.array([1.0, 3.0]))
    assert (scaler.mean, scaler.std) == (2.0, 1.0)
    z = scaler.transform(np.array([10.0]))
    assert z[0] == 8.0 and scaler.inverse(z)[0] == 10.0
    with pytest.raises(ValueError, match="zero variance"):
        series.Scaler.fit(np.ones(5))


def test_windowed_series_relative_removes_the_level_and_round_trips():
    y = series.trend_season_noise(500, slope=0.05, seed=0)
    data = series.windowed_series(y, window=20, relative=True)
    x = data.model_inputs("test")
    assert x.shape[1:] == (20, 1) and np.allclose(x[:, -1, 0], 0.0)
    back = data.to_original(data.model_targets("test"), "test")
    np.testing.assert_allclose(back, data.targets[data.splits["test"]])
    # the scale comes from the training windows only
    train_offsets = data.inputs[data.splits["train"]] - data.inputs[data.splits["train"], -1:]
    assert data.scaler.std == pytest.approx(train_offsets.std())


def test_windowed_series_levels_fits_on_the_training_part_of_the_series():
    y = np.arange(200.0)
    data = series.windowed_series(y, window=10, relative=False)
    train = data.splits["train"]
    assert data.scaler.mean == pytest.approx(y[: train.stop + 10].mean())
