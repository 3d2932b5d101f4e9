import numpy as np
import pytest
import torch

from attn_helpers import data


def test_sliding_windows_pairs_each_window_with_the_next_value():
    x, y = data.sliding_windows(np.arange(10.0), window=3)
    assert x.shape == (7, 3) and y.shape == (7, 1)
    assert x[0].tolist() == [0, 1, 2] and y[0, 0] == 3
    assert x[-1].tolist() == [6, 7, 8] and y[-1, 0] == 9


@pytest.mark.parametrize("window", [0, 10, 11])
def test_window_must_be_shorter_than_the_series(window):
    with pytest.raises(ValueError, match=r"window must be in \[1, 9\]"):
        data.sliding_windows(np.arange(10.0), window=window)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_rejected_with_their_position(bad):
    y = np.arange(10.0)
    y[4] = bad
    with pytest.raises(ValueError, match="series must be finite.*index 4"):
        data.sliding_windows(y, window=3)


def test_chronological_split_keeps_time_order_and_covers_everything():
    train, val, test = data.chronological_split(100)
    assert (train.start, train.stop, val.stop, test.stop) == (0, 70, 85, 100)


@pytest.mark.parametrize("fractions, message", [
    ((0.7, 0.3), "must hold 3 values"),
    ((0.0, 0.5, 0.5), r"fractions\[train\] must be in \(0, 1\)"),
    ((0.7, 0.2, 1.2), r"fractions\[test\] must be in \(0, 1\)"),
    ((0.5, 0.2, 0.2), "must sum to 1"),
])
def test_split_fractions_out_of_range_are_rejected(fractions, message):
    with pytest.raises(ValueError, match=message):
        data.chronological_split(100, fractions)


def test_an_empty_split_is_rejected():
    with pytest.raises(ValueError, match="the val split of n=3 items .* is empty"):
        data.chronological_split(3, (0.8, 0.1, 0.1))


def test_normaliser_is_fitted_on_training_windows_only_and_inverts():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(50, 10))
    for center in data.CENTERS:
        norm = data.Normaliser.fit(x, center)
        scaled = norm.transform(x)
        assert scaled.std() == pytest.approx(1.0)
        y = np.random.default_rng(1).normal(size=(50, 4))
        np.testing.assert_allclose(norm.inverse(norm.transform(x, y), x), y)
    assert data.Normaliser.fit(x, "last").transform(x)[:, -1] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="center must be one of"):
        data.Normaliser.fit(x, "median")


def test_windows_stay_inside_their_segment_and_test_data_never_reaches_the_scaler():
    series = np.arange(1000, dtype=float)
    windows = data.make_windows(series, window=20, horizon=5, strides=(3, 1, 1))
    for split, seg in windows.segments.items():
        x, y, first = windows.inputs[split], windows.targets[split], windows.first_target[split]
        np.testing.assert_array_equal(y[:, 0], series[first])
        np.testing.assert_array_equal(x[:, -1], series[first - 1])
        assert x.min() >= seg.start and y.max() < seg.stop
    assert np.all(np.diff(windows.first_target["train"]) == 3)
    changed = series.copy()
    changed[700:] = 1e6  # editing the val/test part leaves the fitted scaling unchanged
    assert data.make_windows(changed, 20, 5).normaliser == data.make_windows(series, 20, 5).normaliser
    with pytest.raises(ValueError, match="use a longer series"):
        data.make_windows(series[:100], window=20, horizon=5)


def test_scaled_windows_round_trip_to_original_units():
    y = np.cumsum(np.random.default_rng(0).normal(size=600))
    windows = data.make_windows(y, window=20, horizon=3, center="last")
    x, t = windows.scaled("test")
    assert x.shape == (len(windows.inputs["test"]), 20) and t.shape == (len(x), 3) and x.dtype == torch.float32
    assert torch.all(x[:, -1] == 0)  # centred on each window's last value
    np.testing.assert_allclose(windows.to_original(t, "test"), windows.targets["test"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kwargs, message", [
    (dict(window=0), "window must be >= 1"),
    (dict(window=5, horizon=0), "horizon must be >= 1"),
    (dict(window=5, strides=(1, 0, 1)), r"strides must be 3 values \(train, val, test\) >= 1"),
    (dict(window=5, center="median"), "center must be one of"),
])
def test_make_windows_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.make_windows(np.arange(200.0), **kwargs)
