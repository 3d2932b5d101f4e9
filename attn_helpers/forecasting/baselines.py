"""Classical forecasters for the trend + season series: the period read off the training part, a harmonic
regression that knows the clock, and the best linear forecast that one window alone allows.

The core's naive baselines (persistence, seasonal naive, linear AR) are in :mod:`attn_helpers.baselines`.
"""
import numpy as np


def harmonic_design(t, period: float) -> np.ndarray:
    """Regressors of a straight line plus one sine of known period: t (n,) -> (n, 4) = [1, t, sin, cos]."""
    t = np.asarray(t, dtype=float)
    angle = 2 * np.pi * t / period
    return np.column_stack([np.ones_like(t), t, np.sin(angle), np.cos(angle)])


def _check_period_input(values: np.ndarray) -> None:
    if values.ndim != 1 or len(values) < 8:
        raise ValueError(f"values must be 1-D with at least 8 points, got shape {values.shape}")


def dominant_period(values) -> float:
    """The period (in steps) of the strongest peak of the periodogram, after a straight line is removed.

    values (time,): e.g. the training part of a series.
    """
    values = np.asarray(values, dtype=float)
    _check_period_input(values)
    t = np.arange(len(values))
    detrended = values - np.polyval(np.polyfit(t, values, 1), t)
    power = np.abs(np.fft.rfft(detrended)) ** 2  # power[k]: k cycles over the whole stretch
    k = 1 + int(np.argmax(power[1:]))  # skip k = 0, the mean
    return len(values) / k


class HarmonicRegression:
    """Least squares on ``[1, t, sin(2 pi t / P), cos(2 pi t / P)]``: a straight line plus one sine.

    It forecasts from the clock t alone, not from a window: fit on the training part's time indices
    and values, then predict any t. Its four coefficients are estimated once, from the whole part.
    """

    def __init__(self, period: float):
        if period <= 0:
            raise ValueError(f"period must be > 0, got {period}")
        self.period = period

    def fit(self, t, values) -> "HarmonicRegression":
        """t (n,) time indices, values (n,) the series there."""
        design = harmonic_design(t, self.period)
        self.coef_, *_ = np.linalg.lstsq(design, np.asarray(values, dtype=float), rcond=None)
        return self

    def predict(self, t) -> np.ndarray:
        """t (n,) -> forecasts (n,)."""
        return harmonic_design(t, self.period) @ self.coef_


def _check_window_fit(window: int, period: float) -> None:
    if window < 4:
        raise ValueError(f"window must be >= 4 (three coefficients and at least one spare value), got {window}")
    if period <= 0:
        raise ValueError(f"period must be > 0, got {period}")


class WindowHarmonicFit:
    """The best linear one-step forecast from one window alone, for a series known to be
    ``slope * t + a sine of known period`` whose level and phase the window must reveal.

    For each window: remove the known slope, fit ``c + a sin + b cos`` by least squares to the window's
    values, extrapolate one step, add the slope back. That is a fixed weighted sum of the window,
    ``forecast = weights . (x - slope * i) + slope * window``. By the Gauss-Markov theorem no other
    linear forecast that is right for every level and phase has a smaller error: with i.i.d. noise of
    standard deviation sigma its RMSE is ``sigma * sqrt(1 + leverage)``.
    """

    def __init__(self, window: int, period: float, slope: float = 0.0):
        _check_window_fit(window, period)
        self.window, self.period, self.slope = window, period, slope
        design = harmonic_design(np.arange(window + 1), period)[:, [0, 2, 3]]  # (window + 1, 3): 1, sin, cos
        past, nxt = design[:window], design[window]
        self.weights = nxt @ np.linalg.solve(past.T @ past, past.T)  # (window,)
        self.leverage = float(nxt @ np.linalg.solve(past.T @ past, nxt))

    @property
    def expected_ratio(self) -> float:
        """Expected RMSE over the noise floor: sqrt(1 + leverage)."""
        return float(np.sqrt(1 + self.leverage))

    def predict(self, inputs) -> np.ndarray:
        """inputs (n, window) raw values -> forecasts (n, 1)."""
        inputs = np.asarray(inputs, dtype=float)
        if inputs.ndim != 2 or inputs.shape[1] != self.window:
            raise ValueError(f"inputs must have shape (n, {self.window}), got {inputs.shape}")
        trend = self.slope * np.arange(self.window)
        return ((inputs - trend) @ self.weights + self.slope * self.window)[:, None]
