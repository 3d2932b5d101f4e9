"""Nine synthetic series with different distributions, for the attention study of Chapter 5.

Each generator is a small frozen dataclass: its fields are its parameters (checked on creation, a bad
value raises ``ValueError``), ``sample(length, seed)`` returns a float array of shape ``(length,)``
drawn with its own ``numpy.random.default_rng(seed)``, and ``sample_with_info`` also returns the
hidden parts (regimes, jump times, outlier positions, volatility) for the analysis.
``expected_mse(horizon)`` gives the best possible mean squared error at steps 1..horizon where theory
knows it, else ``None``; ``oracle_forecast`` is the forecast that attains it.
"""
import math
from dataclasses import asdict, dataclass, replace
from typing import ClassVar

import numpy as np
import torch

from ..data import WindowData, make_windows

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

    stationary: ClassVar[bool] = True  # whether the process is stationary (groups the generators; scaling is the same)
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

    def variance_forecast(self, info: dict, targets_at: np.ndarray) -> np.ndarray:
        """``E[r_{t+h}^2 | past] = v + (alpha + beta)^(h-1) (s_{t+1}^2 - v)``, v the unconditional variance
        (s_{t+1} is known at t): targets_at (n, horizon) -> (n, horizon)."""
        next_var = np.asarray(info["volatility"])[targets_at[:, :1]] ** 2
        h = targets_at - targets_at[:, :1]
        v = self.unconditional_variance
        return v + (self.alpha + self.beta) ** h * (next_var - v)


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


@dataclass(frozen=True)
class SeasonalAR(SeriesGenerator):
    """Sparse seasonal AR: ``x_t = phi x_{t-period} + noise_sd e_t``, e ~ N(0, 1): the positive control.

    For every step h <= period ahead, the best forecast is ``phi x_{t+h-period}``: it depends on one
    known input step, so the right attention is known (:meth:`relevant_keys`).
    """

    period: int = 24
    phi: float = 0.9
    noise_sd: float = 1.0

    def __post_init__(self):
        if not isinstance(self.period, int) or self.period < 1:
            raise ValueError(f"period must be an int >= 1, got {self.period!r}")
        _check_range("phi", self.phi, -1.0, 1.0)
        _check_range("noise_sd", self.noise_sd, 0.0, math.inf)

    @property
    def seasonal_period(self) -> int:
        return self.period

    def _generate(self, length, rng):
        burn_in = max(BURN_IN, 50 * self.period)
        noise = self.noise_sd * rng.standard_normal(length + burn_in)
        x = np.zeros(len(noise))
        for t in range(self.period, len(x)):
            x[t] = self.phi * x[t - self.period] + noise[t]
        return x[burn_in:], {}

    def relevant_keys(self, input_len: int, horizon: int) -> np.ndarray:
        """Input index (0 = oldest of ``input_len``) that the best forecast of step h = 1..horizon reads:
        (horizon,), ``input_len - period + h - 1``. Needs horizon <= period <= input_len."""
        if not horizon <= self.period <= input_len:
            raise ValueError(f"period must be in [horizon, input_len] = [{horizon}, {input_len}] so that every "
                             f"step's relevant input lies in the window, got {self.period}")
        return input_len - self.period + np.arange(horizon)

    def expected_mse(self, horizon):
        if horizon > self.period:
            raise ValueError(f"horizon must be <= period = {self.period}, got {horizon}")
        return np.full(horizon, self.noise_sd**2)

    def oracle_forecast(self, series, info, targets_at):
        return self.phi * np.asarray(series)[targets_at - self.period]


GENERATORS: dict[str, SeriesGenerator] = {
    g.name: g for g in (HeavyTailedAR1(), GARCH11(), JumpDiffusion(), RegimeSwitching(), TrendBreaks(),
                        RandomWalk(), SeasonTrendOutliers(), MultiSeasonality(), OneOverFNoise())
}
"""The nine generators with the parameters used in Chapter 5, by name."""
POSITIVE_CONTROL = SeasonalAR()
"""The series whose best forecast reads known input steps."""


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


@dataclass(frozen=True)
class InstanceNormaliser:
    """Per-window scaling, like RevIN without its learnt affine part: each window minus its own mean,
    divided by its own standard deviation; forecasts are mapped back with the same two numbers.

    Nothing is fitted, and nothing is taken from the targets: the statistics come from the inputs of
    the window alone. Used as the ``normaliser`` of a core :class:`WindowData`.
    """

    center: str = "instance"
    min_scale: float = 1e-8  # a constant window is divided by this instead of 0

    def offsets(self, inputs: np.ndarray) -> np.ndarray:
        """Each window's mean: (n, window) -> (n, 1)."""
        return np.asarray(inputs, dtype=float).mean(1, keepdims=True)

    def scales(self, inputs: np.ndarray) -> np.ndarray:
        """Each window's standard deviation: (n, window) -> (n, 1)."""
        return np.maximum(np.asarray(inputs, dtype=float).std(1, keepdims=True), self.min_scale)

    def transform(self, inputs: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Scale ``values`` (default: the inputs) with the statistics of ``inputs`` (n, window)."""
        values = inputs if values is None else values
        return (np.asarray(values, dtype=float) - self.offsets(inputs)) / self.scales(inputs)

    def inverse(self, scaled: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        """Model-unit forecasts (n, horizon) back to raw units, given the raw input windows (n, window)."""
        return np.asarray(scaled, dtype=float) * self.scales(inputs) + self.offsets(inputs)


def window_series(series: np.ndarray, window: int = 100, horizon: int = 20,
                  fractions: tuple[float, float, float] = (0.7, 0.1, 0.2),
                  strides: tuple[int, int, int] = (1, 1, 1)) -> WindowData:
    """The core windowing (split in time order, window each part) with the per-window scaling above."""
    return replace(make_windows(series, window, horizon, fractions, strides=strides), normaliser=InstanceNormaliser())


TARGETS = ("value", "square")


@dataclass(frozen=True)
class ForecastTask:
    """One forecasting task: a generator's sample cut into windows, and what is forecast.

    ``target="value"``: the next ``horizon`` values. ``target="square"``: their squares (for returns,
    the volatility), scaled by the square of each window's scale and not centred. ``info`` holds the
    generator's hidden parts, each (length,).
    """

    name: str
    generator: SeriesGenerator
    data: WindowData
    info: dict
    target: str = "value"

    def __post_init__(self):
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")

    @property
    def input_len(self) -> int:
        return self.data.inputs["train"].shape[1]

    @property
    def horizon(self) -> int:
        return self.data.targets["train"].shape[1]

    def inputs(self, split: str) -> np.ndarray:
        """Raw input windows in the units of the target (squared for ``square``): (n, window)."""
        x = self.data.inputs[split]
        return x**2 if self.target == "square" else x

    def targets(self, split: str) -> np.ndarray:
        """What is forecast, raw units: (n, horizon)."""
        y = self.data.targets[split]
        return y**2 if self.target == "square" else y

    def targets_at(self, split: str) -> np.ndarray:
        """Index in the series of every target: (n, horizon)."""
        return self.data.first_target[split][:, None] + np.arange(self.horizon)[None, :]

    def scaled(self, split: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Model inputs (n, window) and targets (n, horizon), float32."""
        if self.target == "value":
            return self.data.scaled(split)
        x = self.data.inputs[split]
        scale = self.data.normaliser.scales(x)
        return (torch.tensor(self.data.normaliser.transform(x), dtype=torch.float32),
                torch.tensor(self.targets(split) / scale**2, dtype=torch.float32))

    def to_original(self, scaled_forecast, split: str) -> np.ndarray:
        """Model-unit forecasts (n, horizon) of a split back to raw units."""
        scaled_forecast = np.asarray(scaled_forecast, dtype=float)
        if self.target == "value":
            return self.data.to_original(scaled_forecast, split)
        return scaled_forecast * self.data.normaliser.scales(self.data.inputs[split]) ** 2


def make_task(generator: SeriesGenerator, length: int, seed: int, target: str = "value", name: str | None = None,
              window: int = 100, horizon: int = 20, fractions: tuple[float, float, float] = (0.7, 0.1, 0.2),
              strides: tuple[int, int, int] = (1, 1, 1)) -> ForecastTask:
    """Sample ``generator`` (``length`` values, ``seed``) and cut it into scaled windows."""
    series, info = generator.sample_with_info(length, seed)
    return ForecastTask(name or generator.name, generator, window_series(series, window, horizon, fractions, strides),
                        info, target)


def study_tasks(length: int, seed: int = 0, strides: tuple[int, int, int] = (3, 2, 2),
                window: int = 100, horizon: int = 20) -> dict[str, ForecastTask]:
    """The chapter's eleven tasks on one sample each: the nine generators' next values, the squared
    GARCH returns (volatility) of the same sample, and the positive control."""
    tasks = {name: make_task(gen, length, seed, window=window, horizon=horizon, strides=strides)
             for name, gen in GENERATORS.items()}
    garch = tasks["GARCH11"]
    tasks["GARCH11Volatility"] = ForecastTask("GARCH11Volatility", garch.generator, garch.data, garch.info, "square")
    tasks["PositiveControl"] = make_task(POSITIVE_CONTROL, length, seed, name="PositiveControl", window=window,
                                         horizon=horizon, strides=strides)
    return tasks
