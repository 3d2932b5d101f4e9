"""Two tasks whose answer is known, to check what attention weights say (Chapter 2).

**Known lags.** Every hour has four features: a ``driver``, the target's own history, a ``noise``
feature and a ``daily cycle``. The target is ``y_t = sum_k c_k * driver_{t - lag_k} + N(0, noise^2)``:
only the driver matters, and only at the given lags, the same lags in every window.

**Switching lag.** Each window has a ``driver`` and a ``marker`` channel that is 1 at exactly one
step and 0 elsewhere. The target is the driver at the marked step plus noise: the lag that matters
changes from window to window, and only the window's content (the marker) says which it is.

In both the best possible RMSE is ``noise``. Step ``i`` of a ``T``-step window lies ``T - i`` steps
before the target: the last step is 1 step ago.
"""
from dataclasses import dataclass

import numpy as np

from ..data import chronological_split

FEATURES = ("driver", "target history", "noise", "daily cycle")
SWITCH_FEATURES = ("driver", "marker")


@dataclass(frozen=True)
class KnownLagTask:
    """Windows of the hourly features and the target hour that follows each window."""

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

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(inputs (n, window, features), targets (n, 1)) of one split."""
        return self.inputs[self.splits[name]], self.targets[self.splits[name]]


def _check_known_lag(n_windows: int, window: int, lags: tuple[int, ...], coefficients, noise: float) -> None:
    if n_windows < 20:
        raise ValueError(f"n_windows must be >= 20, got {n_windows}")
    if window < 2:
        raise ValueError(f"window must be >= 2, got {window}")
    if not lags or len(set(lags)) != len(lags) or any(not 1 <= lag <= window for lag in lags):
        raise ValueError(f"lags must be distinct hours in [1, window={window}], got {lags}")
    if len(coefficients) != len(lags):
        raise ValueError(f"coefficients must hold one value per lag ({len(lags)}), got {len(coefficients)}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")


def known_lag_task(n_windows: int = 3000, window: int = 48, lags: tuple[int, ...] = (1, 24),
                   coefficients: tuple[float, ...] = (0.6, 0.4), noise: float = 0.1, seed: int = 0,
                   fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> KnownLagTask:
    """``n_windows`` consecutive hourly windows; features are N(0, 1)-scaled already.

    driver and noise: N(0, 1) every hour; daily cycle: sin(2 pi hour / 24) + N(0, 0.3^2);
    target history: y up to the hour before the target.
    """
    lags = tuple(int(lag) for lag in lags)
    _check_known_lag(n_windows, window, lags, coefficients, noise)
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


@dataclass(frozen=True)
class SwitchLagTask:
    """Windows of a driver and a marker; each window's target is the driver at its marked step."""

    inputs: np.ndarray  # (n, window, 2): driver, marker
    targets: np.ndarray  # (n, 1)
    lags: np.ndarray  # (n,) steps before the target of each window's marked step
    features: tuple[str, ...]
    noise: float  # the noise floor (best possible RMSE)
    splits: dict  # name -> slice over the n windows

    @property
    def window(self) -> int:
        return self.inputs.shape[1]

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(inputs (n, window, 2), targets (n, 1)) of one split."""
        return self.inputs[self.splits[name]], self.targets[self.splits[name]]


def _check_switch_lag(n_windows: int, window: int, candidate_lags: np.ndarray, noise: float) -> None:
    if n_windows < 20:
        raise ValueError(f"n_windows must be >= 20, got {n_windows}")
    if window < 2:
        raise ValueError(f"window must be >= 2, got {window}")
    if candidate_lags.size == 0 or np.any((candidate_lags < 1) | (candidate_lags > window)):
        raise ValueError(f"candidate_lags must be non-empty steps in [1, window={window}], "
                         f"got {candidate_lags.tolist()}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")


def switch_lag_task(n_windows: int = 3000, window: int = 48, candidate_lags=None, noise: float = 0.1,
                    seed: int = 0, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> SwitchLagTask:
    """``n_windows`` independent windows; each draws its lag uniformly from ``candidate_lags``
    (default: every step, 1 to ``window``) and marks that step.

    driver: N(0, 1) at every step; marker: 1 at the step ``lag`` steps before the target, else 0;
    target: the driver at the marked step + N(0, noise^2).
    """
    candidate_lags = np.arange(1, window + 1) if candidate_lags is None else np.unique(candidate_lags).astype(int)
    _check_switch_lag(n_windows, window, candidate_lags, noise)
    rng = np.random.default_rng(seed)
    lags = rng.choice(candidate_lags, size=n_windows)
    rows, marked = np.arange(n_windows), window - lags  # index of the marked step in each window
    driver = rng.normal(size=(n_windows, window))
    marker = np.zeros((n_windows, window))
    marker[rows, marked] = 1.0
    targets = (driver[rows, marked] + noise * rng.normal(size=n_windows))[:, None]
    train, val, test = chronological_split(n_windows, fractions)
    return SwitchLagTask(np.stack([driver, marker], axis=-1), targets, lags, SWITCH_FEATURES, float(noise),
                         {"train": train, "val": val, "test": test})
