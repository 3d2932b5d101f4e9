"""Nine synthetic series with different distributions, for the attention study of Chapter 5.

Each generator is a small frozen dataclass: its fields are its parameters (checked on creation, a bad
value raises ``ValueError``), ``sample(length, seed)`` returns a float array of shape ``(length,)``
drawn with its own ``numpy.random.default_rng(seed)``, and ``sample_with_info`` also returns the
hidden parts (regimes, jump times, outlier positions, volatility) for the analysis.
``expected_mse(horizon)`` gives the best possible mean squared error at steps 1..horizon where theory
knows it, else ``None``; ``oracle_forecast`` is the forecast that attains it.
"""
import math
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np

BURN_IN = 500  # steps dropped at the start of recursive processes so that they start in their stationary regime


def _check_length(length: int) -> None:
    if not isinstance(length, (int, np.integer)) or length < 2:
        raise ValueError(f"length must be an int >= 2, got {length!r}")


def _check_seed(seed: int) -> None:
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")


def _check_range(name: str, value: float, low: float, high: float, low_open=True, high_open=True) -> None:
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    if not (math.isfinite(value) and above and below):
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")


@dataclass(frozen=True)
class SeriesGenerator:
    """Base class: ``sample(length, seed) -> (length,)``; subclasses implement ``_generate``."""

    stationary: ClassVar[bool] = True  # whether a global (train-fitted) z-score suits it
    seasonal_period: ClassVar[int | None] = None  # period for the seasonal-naive baseline

    @property
    def name(self) -> str:
        return type(self).__name__

    def params(self) -> dict:
        return asdict(self)

    def sample(self, length: int, seed: int) -> np.ndarray:
        """The series, shape (length,)."""
        return self.sample_with_info(length, seed)[0]

    def sample_with_info(self, length: int, seed: int) -> tuple[np.ndarray, dict]:
        """The series (length,) and a dict of hidden parts, each (length,)."""
        _check_length(length)
        _check_seed(seed)
        return self._generate(length, np.random.default_rng(seed))

    def expected_mse(self, horizon: int) -> np.ndarray | None:
        """Best possible MSE at steps 1..horizon (shape (horizon,)), or None where it is not known."""
        return None

    def oracle_forecast(self, series: np.ndarray, info: dict, targets_at: np.ndarray) -> np.ndarray | None:
        """The forecast whose expected error is :meth:`expected_mse`, from the values before each target
        block (and the hidden parts where the oracle knows them): targets_at (n, horizon) indices of a
        sample -> (n, horizon), or None where it is not known. targets_at[:, 0] - 1 is the last value seen."""
        return None

    def _generate(self, length: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        raise NotImplementedError


@dataclass(frozen=True)
class HeavyTailedAR1(SeriesGenerator):
    """AR(1) with Student-t noise: ``x_t = phi x_{t-1} + scale * e_t``, ``e_t ~ t(df)``."""

    phi: float = 0.7
    df: float = 3.0
    scale: float = 1.0

    def __post_init__(self):
        _check_range("phi", self.phi, -1.0, 1.0)
        _check_range("df", self.df, 2.0, math.inf)  # df > 2: finite variance
        _check_range("scale", self.scale, 0.0, math.inf)

    def _generate(self, length, rng):
        noise = self.scale * rng.standard_t(self.df, length + BURN_IN)
        x = np.zeros(length + BURN_IN)
        for t in range(1, len(x)):
            x[t] = self.phi * x[t - 1] + noise[t]
        return x[BURN_IN:], {}

    def expected_mse(self, horizon):
        # The conditional mean phi^h x_t is optimal; its error sums h noise terms.
        noise_var = self.scale**2 * self.df / (self.df - 2)
        h = np.arange(1, horizon + 1)
        return noise_var * (1 - self.phi ** (2 * h)) / (1 - self.phi**2)

    def oracle_forecast(self, series, info, targets_at):
        h = targets_at - targets_at[:, :1] + 1
        return self.phi**h * np.asarray(series)[targets_at[:, :1] - 1]


@dataclass(frozen=True)
class GARCH11(SeriesGenerator):
    """GARCH(1,1) returns: ``r_t = s_t z_t``, ``s_t^2 = omega + alpha r_{t-1}^2 + beta s_{t-1}^2``, z ~ N(0, 1).

    The series is the returns themselves (the seed cumulated them into a level, where nothing can beat
    persistence); info ``volatility`` holds s_t.
    """

    omega: float = 0.1
    alpha: float = 0.1
    beta: float = 0.8

    def __post_init__(self):
        _check_range("omega", self.omega, 0.0, math.inf)
        _check_range("alpha", self.alpha, 0.0, 1.0, low_open=False)
        _check_range("beta", self.beta, 0.0, 1.0, low_open=False)
        if self.alpha + self.beta >= 1:
            raise ValueError(f"alpha + beta must be < 1 (finite variance), got {self.alpha + self.beta!r}")

    def _generate(self, length, rng):
        z = rng.standard_normal(length + BURN_IN)
        r, var = np.zeros(len(z)), np.full(len(z), self.unconditional_variance)
        for t in range(1, len(z)):
            var[t] = self.omega + self.alpha * r[t - 1] ** 2 + self.beta * var[t - 1]
            r[t] = math.sqrt(var[t]) * z[t]
        return r[BURN_IN:], {"volatility": np.sqrt(var[BURN_IN:])}

    @property
    def unconditional_variance(self) -> float:
        return self.omega / (1 - self.alpha - self.beta)

    def expected_mse(self, horizon):
        # The best mean forecast of a future return is 0; its expected squared error is the variance.
        return np.full(horizon, self.unconditional_variance)

    def oracle_forecast(self, series, info, targets_at):
        return np.zeros(targets_at.shape)


@dataclass(frozen=True)
class JumpDiffusion(SeriesGenerator):
    """``x_t = x_{t-1} + drift + sigma z_t + J_t``; with probability ``jump_prob`` J_t ~ N(0, jump_sd^2), else 0.

    Info ``jumps`` marks the steps with a jump.
    """

    drift: float = 0.0
    sigma: float = 1.0
    jump_prob: float = 0.05
    jump_sd: float = 5.0
    stationary: ClassVar[bool] = False

    def __post_init__(self):
        _check_range("drift", self.drift, -math.inf, math.inf)
        _check_range("sigma", self.sigma, 0.0, math.inf)
        _check_range("jump_prob", self.jump_prob, 0.0, 1.0, low_open=False)
        _check_range("jump_sd", self.jump_sd, 0.0, math.inf, low_open=False)

    def _generate(self, length, rng):
        diffusion = self.drift + self.sigma * rng.standard_normal(length)
        jumps = rng.random(length) < self.jump_prob
        sizes = self.jump_sd * rng.standard_normal(length)
        return np.cumsum(diffusion + np.where(jumps, sizes, 0.0)), {"jumps": jumps}

    def expected_mse(self, horizon):
        # Independent steps: the conditional mean is x_t + h drift (persistence when drift = 0).
        step_var = self.sigma**2 + self.jump_prob * self.jump_sd**2
        return step_var * np.arange(1, horizon + 1)

    def oracle_forecast(self, series, info, targets_at):
        return np.asarray(series)[targets_at[:, :1] - 1] + self.drift * (targets_at - targets_at[:, :1] + 1)


@dataclass(frozen=True)
class RegimeSwitching(SeriesGenerator):
    """Hidden Markov regimes: ``x_t = means[s_t] + sds[s_t] z_t``; s stays with probability ``stay_prob``.

    On leaving, the chain moves to one of the other regimes uniformly. Info ``states`` holds s_t.
    """

    means: tuple[float, ...] = (-2.0, 2.0)
    sds: tuple[float, ...] = (0.5, 2.0)
    stay_prob: float = 0.95

    def __post_init__(self):
        if len(self.means) < 2 or len(self.means) != len(self.sds):
            raise ValueError(f"means and sds must have the same length >= 2, got {len(self.means)} and {len(self.sds)}")
        for i, sd in enumerate(self.sds):
            _check_range(f"sds[{i}]", sd, 0.0, math.inf)
        _check_range("stay_prob", self.stay_prob, 0.0, 1.0)

    def _generate(self, length, rng):
        k = len(self.means)
        states = np.empty(length, dtype=int)
        states[0] = rng.integers(k)
        leave, step = rng.random(length) >= self.stay_prob, rng.integers(1, k, length)
        for t in range(1, length):
            states[t] = (states[t - 1] + step[t]) % k if leave[t] else states[t - 1]
        x = np.asarray(self.means)[states] + np.asarray(self.sds)[states] * rng.standard_normal(length)
        return x, {"states": states}


@dataclass(frozen=True)
class TrendBreaks(SeriesGenerator):
    """A continuous piecewise-linear trend plus N(0, noise_sd^2) noise.

    At each step, with probability ``break_prob``, the slope is redrawn from N(0, slope_sd^2).
    Info ``breaks`` marks the break steps.
    """

    break_prob: float = 0.01
    slope_sd: float = 0.05
    noise_sd: float = 0.5
    stationary: ClassVar[bool] = False

    def __post_init__(self):
        _check_range("break_prob", self.break_prob, 0.0, 1.0, low_open=False)
        _check_range("slope_sd", self.slope_sd, 0.0, math.inf)
        _check_range("noise_sd", self.noise_sd, 0.0, math.inf, low_open=False)

    def _generate(self, length, rng):
        breaks = rng.random(length) < self.break_prob
        breaks[0] = True
        new_slopes = self.slope_sd * rng.standard_normal(length)
        slope = new_slopes[np.maximum.accumulate(np.where(breaks, np.arange(length), 0))]
        level = np.cumsum(slope)
        return level + self.noise_sd * rng.standard_normal(length), {"breaks": breaks}


@dataclass(frozen=True)
class RandomWalk(SeriesGenerator):
    """``x_t = x_{t-1} + drift + sigma z_t``, z ~ N(0, 1): no mean reversion."""

    sigma: float = 1.0
    drift: float = 0.0
    stationary: ClassVar[bool] = False

    def __post_init__(self):
        _check_range("sigma", self.sigma, 0.0, math.inf)
        _check_range("drift", self.drift, -math.inf, math.inf)

    def _generate(self, length, rng):
        return np.cumsum(self.drift + self.sigma * rng.standard_normal(length)), {}

    def expected_mse(self, horizon):
        return self.sigma**2 * np.arange(1, horizon + 1)

    def oracle_forecast(self, series, info, targets_at):
        return np.asarray(series)[targets_at[:, :1] - 1] + self.drift * (targets_at - targets_at[:, :1] + 1)


@dataclass(frozen=True)
class SeasonTrendOutliers(SeriesGenerator):
    """``slope t + amplitude sin(2 pi t / period) + N(0, noise_sd^2)``, plus sparse additive outliers.

    With probability ``outlier_prob`` a step gets an extra N(0, outlier_sd^2); info ``outliers`` marks them.
    """

    period: int = 25
    amplitude: float = 2.0
    slope: float = 0.005
    noise_sd: float = 0.3
    outlier_prob: float = 0.02
    outlier_sd: float = 5.0
    stationary: ClassVar[bool] = False

    def __post_init__(self):
        if not isinstance(self.period, int) or self.period < 2:
            raise ValueError(f"period must be an int >= 2, got {self.period!r}")
        _check_range("amplitude", self.amplitude, -math.inf, math.inf)
        _check_range("slope", self.slope, -math.inf, math.inf)
        _check_range("noise_sd", self.noise_sd, 0.0, math.inf, low_open=False)
        _check_range("outlier_prob", self.outlier_prob, 0.0, 1.0, low_open=False)
        _check_range("outlier_sd", self.outlier_sd, 0.0, math.inf, low_open=False)

    @property
    def seasonal_period(self) -> int:
        return self.period

    def _generate(self, length, rng):
        t = np.arange(length)
        clean = self.slope * t + self.amplitude * np.sin(2 * np.pi * t / self.period)
        outliers = rng.random(length) < self.outlier_prob
        noise = self.noise_sd * rng.standard_normal(length)
        noise = noise + np.where(outliers, self.outlier_sd * rng.standard_normal(length), 0.0)
        return clean + noise, {"outliers": outliers, "clean": clean}

    def expected_mse(self, horizon):
        # An oracle that knows the trend and the season still meets the noise and the outliers.
        return np.full(horizon, self.noise_sd**2 + self.outlier_prob * self.outlier_sd**2)

    def oracle_forecast(self, series, info, targets_at):
        return info["clean"][targets_at]


@dataclass(frozen=True)
class MultiSeasonality(SeriesGenerator):
    """Sum of sines ``sum_i amplitudes[i] sin(2 pi t / periods[i] + phase_i)`` plus N(0, noise_sd^2).

    The phases are drawn uniformly from the generator's rng.
    """

    periods: tuple[int, ...] = (10, 25, 50)
    amplitudes: tuple[float, ...] = (1.0, 0.6, 0.8)
    noise_sd: float = 0.2

    def __post_init__(self):
        if not self.periods or len(self.periods) != len(self.amplitudes):
            raise ValueError(f"periods and amplitudes must have the same length >= 1, "
                             f"got {len(self.periods)} and {len(self.amplitudes)}")
        for i, p in enumerate(self.periods):
            if not isinstance(p, int) or p < 2:
                raise ValueError(f"periods[{i}] must be an int >= 2, got {p!r}")
        _check_range("noise_sd", self.noise_sd, 0.0, math.inf, low_open=False)

    @property
    def seasonal_period(self) -> int:
        """The common period of all cycles (their least common multiple)."""
        return math.lcm(*self.periods)

    def _generate(self, length, rng):
        t = np.arange(length)
        phases = rng.uniform(0, 2 * np.pi, len(self.periods))
        clean = sum(a * np.sin(2 * np.pi * t / p + ph) for a, p, ph in zip(self.amplitudes, self.periods, phases))
        return clean + self.noise_sd * rng.standard_normal(length), {"clean": clean}

    def expected_mse(self, horizon):
        return np.full(horizon, self.noise_sd**2)

    def oracle_forecast(self, series, info, targets_at):
        return info["clean"][targets_at]


@dataclass(frozen=True)
class OneOverFNoise(SeriesGenerator):
    """Gaussian noise with power spectrum ~ 1/f^exponent (exponent 1: pink, 1/f noise), unit variance.

    Spectral shaping: complex white noise on the frequency grid of a series twice as long is scaled by
    f^(-exponent/2) (no constant term), transformed back, and the first half is kept (so the series
    does not wrap around).
    """

    exponent: float = 1.0

    def __post_init__(self):
        _check_range("exponent", self.exponent, 0.0, 2.0, high_open=False)

    def _generate(self, length, rng):
        n = 2 * length
        freqs = np.fft.rfftfreq(n)
        amplitude = np.zeros_like(freqs)
        amplitude[1:] = freqs[1:] ** (-self.exponent / 2)
        spectrum = amplitude * (rng.standard_normal(len(freqs)) + 1j * rng.standard_normal(len(freqs)))
        x = np.fft.irfft(spectrum, n)[:length]
        return (x - x.mean()) / x.std(), {}


GENERATORS: dict[str, SeriesGenerator] = {
    g.name: g for g in (HeavyTailedAR1(), GARCH11(), JumpDiffusion(), RegimeSwitching(), TrendBreaks(),
                        RandomWalk(), SeasonTrendOutliers(), MultiSeasonality(), OneOverFNoise())
}
"""The nine generators with the parameters used in Chapter 5, by name."""


def periodogram(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (cycles per step, 0 excluded) and power ``|FFT|^2 / n`` of the demeaned series (n,)."""
    x = np.asarray(series, dtype=float)
    if x.ndim != 1 or len(x) < 4:
        raise ValueError(f"series must be 1-D with at least 4 values, got shape {x.shape}")
    power = np.abs(np.fft.rfft(x - x.mean())) ** 2 / len(x)
    return np.fft.rfftfreq(len(x))[1:], power[1:]


def spectral_slope(series: np.ndarray, f_min: float = 0.0, f_max: float = 0.5) -> float:
    """Least-squares slope of log power against log frequency over ``f_min < f <= f_max`` (-1 for 1/f noise)."""
    if not 0.0 <= f_min < f_max <= 0.5:
        raise ValueError(f"need 0 <= f_min < f_max <= 0.5, got f_min={f_min}, f_max={f_max}")
    freqs, power = periodogram(series)
    keep = (freqs > f_min) & (freqs <= f_max)
    if keep.sum() < 3:
        raise ValueError(f"fewer than 3 frequencies lie in ({f_min}, {f_max}]; use a longer series or a wider band")
    return float(np.polyfit(np.log(freqs[keep]), np.log(power[keep]), 1)[0])
