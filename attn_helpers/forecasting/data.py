"""Chapters 1 and 2's data: a trend + season + noise series, and an hourly task with known lags.

The known-lag task: the target depends on one feature at fixed lags.

Every hour has four features: a ``driver``, the target's own history, a ``noise`` feature and a
``daily cycle``. The target is ``y_t = sum_k c_k * driver_{t - lag_k} + N(0, noise^2)``: only the
driver matters, and only at the given lags, so the best possible RMSE is ``noise`` and the steps
an attention layer *should* use are known.
"""
from dataclasses import dataclass

import numpy as np

from ..data import chronological_split


def _check_series(length: int, period: float, sigma: float) -> None:
    if length < 2:
        raise ValueError(f"length must be >= 2, got {length}")
    if period < 2:
        raise ValueError(f"period must be >= 2, got {period}")
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")


def trend_season(t, slope: float = 0.01, amplitude: float = 1.0, period: float = 50) -> np.ndarray:
    """The noise-free signal ``slope * t + amplitude * sin(2 pi t / period)`` at time indices t, shape of t."""
    if period <= 0:
        raise ValueError(f"period must be > 0, got {period}")
    t = np.asarray(t, dtype=float)
    return slope * t + amplitude * np.sin(2 * np.pi * t / period)


def trend_season_noise(
    length: int = 2000,
    slope: float = 0.01,
    amplitude: float = 1.0,
    period: int = 50,
    sigma: float = 0.1,
    seed: int = 0,
) -> np.ndarray:
    """``trend_season(t) + N(0, sigma^2)`` for t = 0..length-1, shape (length,): fresh noise at every step."""
    _check_series(length, period, sigma)
    noise = np.random.default_rng(seed).normal(0.0, sigma, length)
    return trend_season(np.arange(length), slope, amplitude, period) + noise


FEATURES = ("driver", "target history", "noise", "daily cycle")


@dataclass(frozen=True)
class KnownLagTask:
    """Windows of the hourly features and the target hour that follows each window.

    Step ``i`` of a window lies ``window - i`` hours before the target: the last step is 1 hour ago.
    """

    inputs: np.ndarray  # (n, window, features)
    targets: np.ndarray  # (n, 1)
    features: tuple[str, ...]
    lags: tuple[int, ...]  # hours before the target at which the driver matters
    coefficients: tuple[float, ...]
    noise: float  # the noise floor (best possible RMSE)
    splits: dict  # name -> slice over the n windows, in time order

    @property
    def window(self) -> int:
        return self.inputs.shape[1]


def known_lag_task(n_windows: int = 3000, window: int = 48, lags: tuple[int, ...] = (1, 24),
                   coefficients: tuple[float, ...] = (0.6, 0.4), noise: float = 0.1, seed: int = 0,
                   fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> KnownLagTask:
    """Generate ``n_windows`` consecutive hourly windows; features are N(0, 1)-scaled already.

    driver and noise: N(0, 1) every hour; daily cycle: sin(2 pi hour / 24) + N(0, 0.3^2);
    target history: y up to the hour before the target.
    """
    if n_windows < 20:
        raise ValueError(f"n_windows must be >= 20, got {n_windows}")
    if window < 2:
        raise ValueError(f"window must be >= 2, got {window}")
    lags = tuple(int(lag) for lag in lags)
    if not lags or len(set(lags)) != len(lags) or any(not 1 <= lag <= window for lag in lags):
        raise ValueError(f"lags must be distinct hours in [1, window={window}], got {lags}")
    if len(coefficients) != len(lags):
        raise ValueError(f"coefficients must hold one value per lag ({len(lags)}), got {len(coefficients)}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    burn_in = max(lags)  # the target is defined once every lag exists
    hours = burn_in + window + n_windows
    driver = rng.normal(size=hours)
    distractor = rng.normal(size=hours)
    cycle = np.sin(2 * np.pi * np.arange(hours) / 24) + 0.3 * rng.normal(size=hours)
    target = noise * rng.normal(size=hours)
    for lag, c in zip(lags, coefficients):
        target[lag:] += c * driver[:-lag]
    table = np.stack([driver, target, distractor, cycle], axis=1)[burn_in:]  # (window + n_windows, features)
    start = np.arange(n_windows)
    inputs = table[start[:, None] + np.arange(window)[None, :]]  # (n, window, features)
    targets = table[start + window, 1][:, None]
    train, val, test = chronological_split(n_windows, fractions)
    return KnownLagTask(inputs, targets, FEATURES, lags, tuple(float(c) for c in coefficients), float(noise),
                        {"train": train, "val": val, "test": test})
