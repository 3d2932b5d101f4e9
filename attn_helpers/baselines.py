"""Naive forecasting baselines that every model is shown next to."""
import numpy as np


def persistence(inputs: np.ndarray, horizon: int = 1) -> np.ndarray:
    """Repeat the last value of each window: inputs (n, window) -> (n, horizon)."""
    inputs = np.asarray(inputs, dtype=float)
    return np.repeat(inputs[:, -1:], horizon, axis=1)


def mean_forecast(inputs: np.ndarray, horizon: int = 1, mean: float | None = None) -> np.ndarray:
    """A flat forecast: ``mean`` (e.g. the training mean; 0 = the zero-return forecast) or, with
    ``mean=None``, each window's own mean: inputs (n, window) -> (n, horizon)."""
    inputs = np.asarray(inputs, dtype=float)
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    level = inputs.mean(axis=1, keepdims=True) if mean is None else np.full((len(inputs), 1), float(mean))
    return np.repeat(level, horizon, axis=1)


def seasonal_naive(series: np.ndarray, targets_at: np.ndarray, period: int, drift: float = 0.0) -> np.ndarray:
    """``series[t - period] + period * drift`` for every target index t: (n,) -> (n,).

    ``drift`` is the mean step of the training part (0 for plain seasonal naive).
    """
    targets_at = np.asarray(targets_at)
    if period < 1:
        raise ValueError(f"period must be >= 1, got {period}")
    if targets_at.min() - period < 0:
        raise ValueError(f"period must be <= the first target index {targets_at.min()}, got {period}")
    return np.asarray(series, dtype=float)[targets_at - period] + period * drift


class LinearAR:
    """Least-squares linear model on the window (with intercept): inputs (n, window) -> (n, horizon)."""

    def fit(self, inputs: np.ndarray, targets: np.ndarray) -> "LinearAR":
        design = np.column_stack([np.asarray(inputs, dtype=float), np.ones(len(inputs))])
        self.coef_, *_ = np.linalg.lstsq(design, np.asarray(targets, dtype=float), rcond=None)
        return self

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        design = np.column_stack([np.asarray(inputs, dtype=float), np.ones(len(inputs))])
        return design @ self.coef_
