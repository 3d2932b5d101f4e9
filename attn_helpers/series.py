"""Synthetic series, sliding windows, chronological splits and train-only scaling (Chapter 1)."""
from dataclasses import dataclass

import numpy as np


def trend_season_noise(
    length: int = 2000,
    slope: float = 0.01,
    amplitude: float = 1.0,
    period: int = 50,
    sigma: float = 0.1,
    seed: int = 0,
) -> np.ndarray:
    """``slope * t + amplitude * sin(2 pi t / period) + N(0, sigma^2)`` for t = 0..length-1, shape (length,)."""
    if length < 2:
        raise ValueError(f"length must be >= 2, got {length}")
    if period < 2:
        raise ValueError(f"period must be >= 2, got {period}")
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    t = np.arange(length)
    noise = np.random.default_rng(seed).normal(0.0, sigma, length)
    return slope * t + amplitude * np.sin(2 * np.pi * t / period) + noise


def check_finite(series: np.ndarray, name: str = "series") -> np.ndarray:
    """Return ``series`` as float array, or raise ValueError if it holds NaN or inf."""
    series = np.asarray(series, dtype=float)
    bad = ~np.isfinite(series)
    if bad.any():
        raise ValueError(f"{name} must be finite; it holds {int(bad.sum())} NaN/inf value(s), "
                         f"first at index {int(np.flatnonzero(bad.ravel())[0])}")
    return series


def sliding_windows(series: np.ndarray, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Windows and the values that follow them.

    series (time,) or (time, features) -> inputs (n, window[, features]), targets (n, horizon)
    taken from the first feature, n = time - window - horizon + 1.
    """
    series = check_finite(series)
    n_time = len(series)
    if not 1 <= window < n_time:
        raise ValueError(f"window must be in [1, {n_time - 1}] (shorter than the series of length "
                         f"{n_time}), got {window}")
    if not 1 <= horizon <= n_time - window:
        raise ValueError(f"horizon must be in [1, {n_time - window}], got {horizon}")
    n = n_time - window - horizon + 1
    idx = np.arange(window)[None, :] + np.arange(n)[:, None]
    inputs = series[idx]
    first = series if series.ndim == 1 else series[:, 0]
    targets = first[np.arange(horizon)[None, :] + np.arange(n)[:, None] + window]
    return inputs, targets


def chronological_split(n: int, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> tuple[slice, slice, slice]:
    """Train/validation/test slices over ``n`` items in time order (no shuffling)."""
    if len(fractions) != 3:
        raise ValueError(f"fractions must hold 3 values (train, val, test), got {len(fractions)}")
    for name, f in zip(("train", "val", "test"), fractions):
        if not 0.0 < f < 1.0:
            raise ValueError(f"fractions[{name}] must be in (0, 1), got {f}")
    if abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"fractions must sum to 1, got {sum(fractions)}")
    n_train = int(round(n * fractions[0]))
    n_val = int(round(n * fractions[1]))
    n_test = n - n_train - n_val
    for name, size in (("train", n_train), ("val", n_val), ("test", n_test)):
        if size < 1:
            raise ValueError(f"the {name} split of n={n} items with fractions {fractions} is empty; "
                             f"n must be large enough for every split to hold >= 1 item")
    return slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, n)


@dataclass(frozen=True)
class Scaler:
    """Standardisation with statistics fitted on the training part only."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train: np.ndarray) -> "Scaler":
        train = check_finite(train, "train")
        if train.size == 0:
            raise ValueError("train must hold at least one value to fit a scaler")
        std = float(train.std())
        if std == 0.0:
            raise ValueError("train has zero variance; a scaler cannot be fitted")
        return cls(float(train.mean()), std)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=float) * self.std + self.mean


@dataclass(frozen=True)
class WindowedSeries:
    """One-step windows of a series, split in time order, scaled with training statistics only.

    ``relative=False``: inputs and targets are standardised levels (the naive way).
    ``relative=True``: each window and its target have the window's last value subtracted, then are
    divided by the training std of those offsets, so a trend leaves the inputs in the training range.
    """

    inputs: np.ndarray  # (n, window) original units
    targets: np.ndarray  # (n, 1) original units
    splits: dict  # name -> slice over the n windows
    scaler: Scaler
    relative: bool

    def _offset(self, split: str) -> np.ndarray:
        return self.inputs[self.splits[split], -1:] if self.relative else np.zeros((1, 1))

    def model_inputs(self, split: str) -> np.ndarray:
        """(n_split, window, 1) scaled inputs for the model."""
        return self.scaler.transform(self.inputs[self.splits[split]] - self._offset(split))[..., None]

    def model_targets(self, split: str) -> np.ndarray:
        """(n_split, 1) scaled targets."""
        return self.scaler.transform(self.targets[self.splits[split]] - self._offset(split))

    def to_original(self, scaled_pred: np.ndarray, split: str) -> np.ndarray:
        """Scaled predictions (n_split, 1) back to original units."""
        return self.scaler.inverse(np.asarray(scaled_pred, dtype=float)) + self._offset(split)


def windowed_series(series: np.ndarray, window: int = 30, relative: bool = True,
                    fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> WindowedSeries:
    """Cut ``series`` (time,) into one-step windows, split chronologically, fit scaling on train only."""
    inputs, targets = sliding_windows(series, window)
    train, val, test = chronological_split(len(inputs), fractions)
    if relative:
        offsets = inputs[train] - inputs[train, -1:]
        scaler = Scaler(0.0, float(offsets.std()))
    else:
        scaler = Scaler.fit(np.asarray(series)[: train.stop + window])
    return WindowedSeries(inputs, targets, {"train": train, "val": val, "test": test}, scaler, relative)
