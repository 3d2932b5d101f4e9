"""Chapters 1 and 2's series: trend + season + noise. (Chapter 2's tasks with known lags are in ``tasks``.)"""
import numpy as np


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
