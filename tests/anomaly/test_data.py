import numpy as np
import pytest
import torch

from attn_helpers.anomaly import data as sa


@pytest.fixture(scope="module")
def default_data():
    return sa.sine_anomaly_dataset()


def test_default_distribution_is_the_blog_posts(default_data):
    d = default_data
    assert d.series.shape == (10_000, 500) and d.series.dtype == np.float32
    assert d.labels.sum() == 5_000
    assert d.amp.min() >= 1 and d.amp.max() <= 10
    cents = np.round(d.freq * 100)
    np.testing.assert_allclose(d.freq * 100, cents, atol=1e-6)  # steps of 0.01
    assert cents.min() == 100 and cents.max() == 400
    anomalous = d.labels == 1
    assert np.all(d.loc[~anomalous] == -1) and np.all(d.length[~anomalous] == 0)
    assert d.loc[anomalous].min() == 0 and d.loc[anomalous].max() == 449
    length, room = d.length[anomalous], 500 - d.loc[anomalous]
    cut = length == room  # sections that reach the last point
    assert np.all(length <= room) and length.min() >= 50 and length.max() <= 245
    assert np.all(length[~cut] % 5 == 0)
    assert 0 < cut.mean() < 0.3


def test_series_are_sines_with_one_flat_section(default_data):
    d = default_data
    x = np.linspace(0, 2 * np.pi, 500)
    for i in range(200):
        sine = (d.amp[i] * np.sin(d.freq[i] * x)).astype(np.float32)
        if d.labels[i] == 0:
            np.testing.assert_array_equal(d.series[i], sine)
            continue
        lo, hi = d.loc[i], d.loc[i] + d.length[i]
        np.testing.assert_array_equal(d.series[i, lo:hi], sine[lo])
        np.testing.assert_array_equal(d.series[i, :lo], sine[:lo])
        np.testing.assert_array_equal(d.series[i, hi:], sine[hi:])
        assert d.section_mask()[i].sum() == d.length[i]


def test_same_seed_same_series_other_seed_other_series():
    a, b, c = (sa.sine_anomaly_dataset(200, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.series, b.series)
    assert not np.array_equal(a.series, c.series)


def test_split_is_70_10_20_disjoint_and_seeded(default_data):
    train, val, test = sa.split(default_data, seed=0)
    assert (len(train), len(val), len(test)) == (7_000, 1_000, 2_000)
    amps = np.concatenate([train.amp, val.amp, test.amp])
    np.testing.assert_array_equal(np.sort(amps), np.sort(default_data.amp))  # a partition
    np.testing.assert_array_equal(sa.split(default_data, seed=0)[2].series, test.series)
    assert not np.array_equal(sa.split(default_data, seed=1)[2].series, test.series)


def test_harder_variant_has_small_fast_waves_short_sections_and_the_stated_noise():
    d = sa.sine_anomaly_dataset(400, seed=1, **sa.HARDER)
    anomalous = d.labels == 1
    assert d.amp.min() >= 0.5 and d.amp.max() <= 2 and d.freq.min() >= 2 and d.freq.max() <= 10
    assert d.length[anomalous].min() >= 20 and d.length[anomalous].max() < 100
    clean = sa.sine_anomaly_dataset(400, seed=1, **{**sa.HARDER, "noise": 0.0})
    residual = d.series - clean.series
    assert residual.std() == pytest.approx(sa.HARDER["noise"], rel=0.05)


@pytest.mark.parametrize("kwargs, name", [
    (dict(length_range=(50, 600)), "length_range"),
    (dict(length_range=(0, 100)), "length_range"),
    (dict(length_range=(100, 100)), "length_range"),
    (dict(loc_range=(0, 501)), "loc_range"),
    (dict(loc_range=(0.5, 100)), "loc_range"),
    (dict(amp_range=(0.0, 1.0)), "amp_range"),
    (dict(freq_range=(4.0, 1.0)), "freq_range"),
    (dict(freq_step=0.0), "freq_step"),
    (dict(anomaly_fraction=1.5), "anomaly_fraction"),
    (dict(length_step=0), "length_step"),
    (dict(noise=-0.1), "noise"),
    (dict(n_series=0), "n_series"),
    (dict(n_points=1), "n_points"),
])
def test_bad_parameters_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        sa.sine_anomaly_dataset(**{"n_series": 10, **kwargs})


def test_bad_split_fractions_raise():
    d = sa.sine_anomaly_dataset(20)
    for fractions in [(0.7, 0.2, 0.2), (0.5, 0.5), (1.0, 0.0, 0.0)]:
        with pytest.raises(ValueError, match="fractions"):
            sa.split(d, fractions)
    with pytest.raises(ValueError, match="too few"):
        sa.split(sa.sine_anomaly_dataset(3), (0.8, 0.1, 0.1))


def test_first_difference_is_zero_exactly_inside_a_flat_section():
    d = sa.sine_anomaly_dataset(50, seed=2)
    diff = sa.first_difference(d.series)
    np.testing.assert_array_equal(diff[:, 1:], np.diff(d.series, axis=1))
    assert np.all(diff[:, 0] == 0)
    i = np.flatnonzero(d.labels)[0]
    assert np.all(diff[i, d.loc[i] + 1: d.loc[i] + d.length[i]] == 0)


def test_longest_flat_run_counts_equal_neighbours_and_finds_every_section():
    series = np.array([[0, 1, 1, 1, 2, 2, 3], [5, 4, 3, 2, 1, 0, -1], [1, 1, 1, 1, 1, 1, 1.0]])
    np.testing.assert_array_equal(sa.longest_flat_run(series), [2, 0, 6])
    np.testing.assert_array_equal(sa.longest_flat_run(series, tolerance=1.0), [6, 6, 6])
    d = sa.sine_anomaly_dataset(200, seed=3)
    runs = sa.longest_flat_run(d.series)
    assert np.all(runs[d.labels == 1] >= d.length[d.labels == 1] - 1)
    assert runs[d.labels == 0].max() < 5
    with pytest.raises(ValueError, match="tolerance"):
        sa.longest_flat_run(series, tolerance=-1)


def test_min_rolling_std_matches_a_loop_over_windows():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(4, 30)) + 100.0  # an offset: the cumulative sums must not lose the digits
    expected = [min(np.std(row[t:t + 7]) for t in range(30 - 7 + 1)) for row in series]
    np.testing.assert_allclose(sa.min_rolling_std(series, window=7), expected, rtol=1e-9)
    np.testing.assert_allclose(sa.min_rolling_std(series, window=30), series.std(axis=1), rtol=1e-9)


def test_min_rolling_std_is_about_the_noise_level_on_a_noisy_flat_section():
    d = sa.sine_anomaly_dataset(400, seed=1, **sa.HARDER)
    score = sa.min_rolling_std(d.series, window=20)
    anomalous = d.labels == 1
    # the smallest of many windows' standard deviations lies a little below the noise's
    assert 0.5 * sa.HARDER["noise"] < np.median(score[anomalous]) < sa.HARDER["noise"]
    assert np.median(score[~anomalous]) > 2 * sa.HARDER["noise"]


@pytest.mark.parametrize("window", [1, 31, 2.5])
def test_min_rolling_std_rejects_a_window_outside_the_series(window):
    with pytest.raises(ValueError, match=r"window must be an int in \[2, 30\]"):
        sa.min_rolling_std(np.zeros((2, 30)), window=window)


def test_model_inputs_are_the_standardised_series_and_its_scaled_difference():
    d = sa.sine_anomaly_dataset(30, seed=0)
    scale = sa.difference_scale(d.series)
    both, value_only = sa.model_inputs(d.series, scale), sa.model_inputs(d.series, scale, with_difference=False)
    assert both.shape == (30, 500, 2) and value_only.shape == (30, 500, 1) and both.dtype == torch.float32
    torch.testing.assert_close(both[..., 0], value_only[..., 0])
    np.testing.assert_allclose(both[..., 0].std(dim=1, unbiased=False).numpy(), 1.0, rtol=1e-4)  # each series
    assert both[..., 1].std().item() == pytest.approx(1.0, rel=1e-3)
    # the amplitude is gone: a series and ten times it give the same input
    torch.testing.assert_close(sa.model_inputs(10 * d.series[:3], scale), both[:3])
    with pytest.raises(ValueError, match="diff_scale"):
        sa.model_inputs(d.series, 0.0)
    with pytest.raises(ValueError, match="constant"):
        sa.standardise_each(np.ones((2, 5)))
