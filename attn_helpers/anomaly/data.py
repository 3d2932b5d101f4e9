"""Sine waves with a flat section (Chapter 3): the blog post's distribution, a harder variant, model inputs.

A series is ``amp * sin(freq * x)`` on ``n_points`` points of x in [0, 2 pi]. An anomalous series
holds the value at index ``loc`` for the next ``length`` points (a flat section). A section that
would run past the last point ends there, as in the blog post; ``length`` reports the flat points that
lie inside the series.
"""
from dataclasses import dataclass

import numpy as np
import torch

# The harder variant: shorter sections, two to ten cycles, small amplitudes, plus noise.
HARDER = dict(amp_range=(0.5, 2.0), freq_range=(2.0, 10.0), length_range=(20, 100), noise=0.02)


@dataclass
class SineAnomalyData:
    """Series and their ground truth. ``n`` series of ``points`` steps.

    series (n, points) float32; labels (n,) 1 = has a flat section; loc (n,) first flat index,
    -1 for normal series; length (n,) flat points inside the series, 0 for normal series;
    amp, freq (n,) the sine's parameters.
    """

    series: np.ndarray
    labels: np.ndarray
    loc: np.ndarray
    length: np.ndarray
    amp: np.ndarray
    freq: np.ndarray

    def __len__(self) -> int:
        return len(self.series)

    def subset(self, index) -> "SineAnomalyData":
        """The series at ``index`` (an index array or slice), with their ground truth."""
        return SineAnomalyData(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    def section_mask(self) -> np.ndarray:
        """(n, points) bool, True inside each series' flat section (all False for normal series)."""
        t = np.arange(self.series.shape[1])
        return (t >= self.loc[:, None]) & (t < (self.loc + self.length)[:, None])


def _check_range(name: str, value, low_limit: float, high_limit: float, integer: bool = False):
    lo, hi = value
    if integer and not (float(lo).is_integer() and float(hi).is_integer()):
        raise ValueError(f"{name} must hold integers, got {value}")
    if not (low_limit <= lo < hi <= high_limit):
        raise ValueError(f"{name} must satisfy {low_limit} <= low < high <= {high_limit}, got {value}")
    return lo, hi


def _check_dataset_args(n_series, n_points, amp_range, freq_range, freq_step, anomaly_fraction, loc_range,
                        length_range, length_step, noise) -> None:
    if not isinstance(n_series, (int, np.integer)) or n_series < 1:
        raise ValueError(f"n_series must be an int >= 1, got {n_series!r}")
    if not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise ValueError(f"n_points must be an int >= 2, got {n_points!r}")
    amp_lo, _ = _check_range("amp_range", amp_range, 0.0, np.inf)
    if amp_lo <= 0:
        raise ValueError(f"amp_range must be positive, got {amp_range}")
    _check_range("freq_range", freq_range, 0.0, np.inf)
    if not freq_step > 0:
        raise ValueError(f"freq_step must be > 0, got {freq_step}")
    if not 0.0 <= anomaly_fraction <= 1.0:
        raise ValueError(f"anomaly_fraction must be in [0, 1], got {anomaly_fraction}")
    _check_range("loc_range", loc_range, 0, n_points, integer=True)
    _check_range("length_range", length_range, 1, n_points, integer=True)
    if not isinstance(length_step, (int, np.integer)) or length_step < 1:
        raise ValueError(f"length_step must be an int >= 1, got {length_step!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")


def sine_anomaly_dataset(
    n_series: int = 10_000,
    n_points: int = 500,
    amp_range: tuple[float, float] = (1.0, 10.0),
    freq_range: tuple[float, float] = (1.0, 4.0),
    freq_step: float = 0.01,
    anomaly_fraction: float = 0.5,
    loc_range: tuple[int, int] = (0, 450),
    length_range: tuple[int, int] = (50, 250),
    length_step: int = 5,
    noise: float = 0.0,
    seed: int = 0,
) -> SineAnomalyData:
    """The blog post's distribution by default; pass ``**HARDER`` for the harder variant.

    amp ~ U(amp_range); freq uniform on the grid freq_range[0], +freq_step, ..., freq_range[1];
    exactly ``round(anomaly_fraction * n_series)`` anomalous series, in random order;
    loc uniform on the integers in [loc_range[0], loc_range[1]); length uniform on
    length_range[0], +length_step, ... below length_range[1]; then N(0, noise^2) on every point.
    """
    _check_dataset_args(n_series, n_points, amp_range, freq_range, freq_step, anomaly_fraction, loc_range,
                        length_range, length_step, noise)
    (amp_lo, amp_hi), (freq_lo, freq_hi), (len_lo, len_hi) = amp_range, freq_range, length_range
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 2.0 * np.pi, n_points)
    amp = rng.uniform(amp_lo, amp_hi, n_series)
    freq_grid = freq_lo + freq_step * np.arange(int(np.floor((freq_hi - freq_lo) / freq_step + 1e-9)) + 1)
    freq = rng.choice(freq_grid, n_series)
    series = amp[:, None] * np.sin(freq[:, None] * x[None, :])

    labels = np.zeros(n_series, dtype=np.int64)
    labels[rng.permutation(n_series)[: int(round(anomaly_fraction * n_series))]] = 1
    loc = np.where(labels == 1, rng.integers(int(loc_range[0]), int(loc_range[1]), n_series), -1)
    drawn = rng.choice(np.arange(int(len_lo), int(len_hi), length_step), n_series)
    length = np.where(labels == 1, np.minimum(drawn, n_points - loc), 0)
    for i in np.flatnonzero(labels):
        series[i, loc[i]: loc[i] + length[i]] = series[i, loc[i]]
    if noise > 0:
        series = series + rng.normal(0.0, noise, series.shape)
    return SineAnomalyData(series.astype(np.float32), labels, loc, length, amp, freq)


def split(data: SineAnomalyData, fractions=(0.7, 0.1, 0.2), seed: int = 0):
    """Random train/validation/test split by ``fractions`` (summing to 1): three SineAnomalyData."""
    fractions = np.asarray(fractions, dtype=float)
    if fractions.shape != (3,) or np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {tuple(fractions)}")
    order = np.random.default_rng(seed).permutation(len(data))
    n_train = int(round(fractions[0] * len(data)))
    n_val = int(round(fractions[1] * len(data)))
    parts = (order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:])
    if any(len(p) == 0 for p in parts):
        raise ValueError(f"{len(data)} series are too few to split by {tuple(fractions)}")
    return tuple(data.subset(p) for p in parts)


def first_difference(series: np.ndarray) -> np.ndarray:
    """``d[t] = s[t] - s[t-1]``, with ``d[0] = 0``: (n, points) -> (n, points). Zero inside a flat section."""
    series = np.asarray(series)
    return np.diff(series, axis=1, prepend=series[:, :1])


def longest_flat_run(series: np.ndarray, tolerance: float = 0.0) -> np.ndarray:
    """The rule for exact data: the longest run of consecutive steps with ``|d[t]| <= tolerance``
    (t >= 1), per series: (n, points) -> (n,) int."""
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance}")
    flat = np.abs(first_difference(series)[:, 1:]) <= tolerance  # (n, points - 1)
    run = np.zeros(len(flat), dtype=np.int64)
    longest = np.zeros(len(flat), dtype=np.int64)
    for t in range(flat.shape[1]):
        run = np.where(flat[:, t], run + 1, 0)
        longest = np.maximum(longest, run)
    return longest


def _check_window(window: int, points: int) -> None:
    if not isinstance(window, (int, np.integer)) or not 2 <= window <= points:
        raise ValueError(f"window must be an int in [2, {points}] (the series length), got {window!r}")


def min_rolling_std(series: np.ndarray, window: int = 20) -> np.ndarray:
    """The rule for noisy data: the smallest standard deviation of the values over any ``window``
    consecutive steps, per series: (n, points) -> (n,). A flat section leaves only the noise there.

    A low value means "anomalous"; score a series with ``-min_rolling_std(...)``.
    """
    series = np.asarray(series, dtype=np.float64)
    _check_window(window, series.shape[1])
    centred = series - series.mean(axis=1, keepdims=True)  # smaller sums, less cancellation
    s1 = np.cumsum(np.pad(centred, ((0, 0), (1, 0))), axis=1)
    s2 = np.cumsum(np.pad(centred ** 2, ((0, 0), (1, 0))), axis=1)
    mean = (s1[:, window:] - s1[:, :-window]) / window  # (n, points - window + 1)
    var = (s2[:, window:] - s2[:, :-window]) / window - mean ** 2
    return np.sqrt(np.maximum(var, 0.0)).min(axis=1)  # rounding can leave a variance of -1e-17, not below


def standardise_each(series: np.ndarray) -> np.ndarray:
    """Each series divided by its own standard deviation: (n, points) -> (n, points).

    The amplitude says nothing about the label, so every series is brought to the same scale.
    """
    series = np.asarray(series)
    std = series.std(axis=1, keepdims=True)
    if np.any(std == 0):
        raise ValueError(f"series must not be constant; {int((std == 0).sum())} of them are")
    return series / std


def difference_scale(train_series: np.ndarray) -> float:
    """Standard deviation of the first differences of the standardised training series."""
    return float(np.std(first_difference(standardise_each(train_series))))


def model_inputs(series: np.ndarray, diff_scale: float, with_difference: bool = True) -> torch.Tensor:
    """The network's input: (n, points) -> (n, points, 2): [the standardised series, its first
    difference divided by ``diff_scale``]; ``with_difference=False`` keeps the first channel, (n, points, 1)."""
    if not diff_scale > 0:
        raise ValueError(f"diff_scale must be > 0, got {diff_scale}")
    values = standardise_each(series)
    channels = [values, first_difference(values) / diff_scale] if with_difference else [values]
    return torch.as_tensor(np.stack(channels, axis=-1), dtype=torch.float32)
