"""The one windowing pipeline: split a series in time order, window each part, scale with training data only.

Chapters 1, 2 and 5 forecast from windows of a univariate series through :func:`make_windows`.
"""
from dataclasses import dataclass

import numpy as np
import torch

CENTERS = ("global", "last", "mean")


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


def chronological_split(n: int, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)
                        ) -> tuple[slice, slice, slice]:
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
class Normaliser:
    """Windows to model units: subtract an offset (the training mean, or each window's last value or
    mean), then divide by the std of the centred *training* inputs. Nothing is fitted on later data."""

    center: str
    mean: float
    scale: float

    @classmethod
    def fit(cls, train_inputs: np.ndarray, center: str = "global") -> "Normaliser":
        """train_inputs (n, window), raw units."""
        if center not in CENTERS:
            raise ValueError(f"center must be one of {CENTERS}, got {center!r}")
        train_inputs = check_finite(train_inputs, "train_inputs")
        mean = float(train_inputs.mean()) if center == "global" else 0.0
        scale = float((train_inputs - cls(center, mean, 1.0).offsets(train_inputs)).std())
        if scale == 0.0:
            raise ValueError("the centred training inputs have zero variance; nothing to scale")
        return cls(center, mean, scale)

    def offsets(self, inputs: np.ndarray) -> np.ndarray:
        """What is subtracted from each window: (n, window) -> (n, 1)."""
        inputs = np.asarray(inputs, dtype=float)
        if self.center == "last":
            return inputs[:, -1:]
        if self.center == "mean":
            return inputs.mean(1, keepdims=True)
        return np.full((len(inputs), 1), self.mean)

    def transform(self, inputs: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Scale ``values`` (default: the inputs themselves) with the offsets of ``inputs`` (n, window)."""
        values = inputs if values is None else values
        return (np.asarray(values, dtype=float) - self.offsets(inputs)) / self.scale

    def inverse(self, scaled: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        """Model-unit forecasts (n, horizon) back to raw units, given the raw input windows (n, window)."""
        return np.asarray(scaled, dtype=float) * self.scale + self.offsets(inputs)


@dataclass(frozen=True)
class WindowData:
    """A series cut into (input, target) windows inside each chronological part, and its normaliser.

    inputs / targets: split -> (n, window) / (n, horizon) in raw units; first_target: split -> (n,)
    index in ``series`` of each window's first target; segments: split -> slice of ``series``.
    """

    series: np.ndarray
    inputs: dict
    targets: dict
    first_target: dict
    segments: dict
    normaliser: Normaliser

    def scaled(self, split: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Model inputs (n, window) and targets (n, horizon) of a split, float32."""
        x, y = self.inputs[split], self.targets[split]
        return (torch.tensor(self.normaliser.transform(x), dtype=torch.float32),
                torch.tensor(self.normaliser.transform(x, y), dtype=torch.float32))

    def to_original(self, scaled_forecast, split: str) -> np.ndarray:
        """Model-unit forecasts of a split (n, horizon) back to raw units."""
        scaled_forecast = scaled_forecast.numpy() if isinstance(scaled_forecast, torch.Tensor) else scaled_forecast
        return self.normaliser.inverse(scaled_forecast, self.inputs[split])


def _check_windowing(window: int, horizon: int, strides: tuple[int, int, int]) -> None:
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    if len(strides) != 3 or any(s < 1 for s in strides):
        raise ValueError(f"strides must be 3 values (train, val, test) >= 1, got {strides}")


def make_windows(series: np.ndarray, window: int, horizon: int = 1,
                 fractions: tuple[float, float, float] = (0.7, 0.15, 0.15), center: str = "global",
                 strides: tuple[int, int, int] = (1, 1, 1)) -> WindowData:
    """Split ``series`` (time,) in time order into train/val/test parts, then window each part on its
    own (no window crosses a split), keeping every ``strides[i]``-th window; fit the normaliser
    (centre ``global``, ``last`` or ``mean``) on the training windows only."""
    series = check_finite(series)
    _check_windowing(window, horizon, strides)
    segments = dict(zip(("train", "val", "test"), chronological_split(len(series), fractions)))
    inputs, targets, first = {}, {}, {}
    for (split, part), stride in zip(segments.items(), strides):
        if part.stop - part.start < window + horizon:
            raise ValueError(f"the {split} part holds {part.stop - part.start} values, fewer than "
                             f"window + horizon = {window + horizon}; use a longer series or a shorter window")
        x, y = sliding_windows(series[part], window, horizon)
        inputs[split], targets[split] = x[::stride], y[::stride]
        first[split] = part.start + window + np.arange(len(x))[::stride]
    return WindowData(series, inputs, targets, first, segments, Normaliser.fit(inputs["train"], center))
