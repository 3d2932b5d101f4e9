"""Numbers that describe self-attention maps (Chapter 5).

Every function takes weights of shape ``(..., queries, keys)`` whose rows sum to 1 (a softmax over the
keys) and returns one value per map, shape ``(...)``, unless stated otherwise. Each is read against
the uniform map, where every key gets ``1/keys``.
"""
import numpy as np
import torch

from ..metrics import normalized_entropy


def _as_maps(weights) -> np.ndarray:
    w = np.asarray(weights.detach().cpu() if isinstance(weights, torch.Tensor) else weights, dtype=float)
    if w.ndim < 2 or w.shape[-1] < 2:
        raise ValueError(f"weights must have shape (..., queries, keys) with keys >= 2, got {w.shape}")
    if np.any(w < 0) or not np.allclose(w.sum(-1), 1.0, atol=1e-4):
        raise ValueError("weights must be non-negative and every row must sum to 1 (a softmax over keys)")
    return w


def row_entropy(weights) -> np.ndarray:
    """Mean normalised entropy of the rows: 1 = every query spreads evenly, 0 = each picks one key."""
    return normalized_entropy(_as_maps(weights), axis=-1).mean(-1)


def gini(weights) -> np.ndarray:
    """Mean Gini coefficient of the rows: 0 = uniform, ``1 - 1/keys`` = all weight on one key."""
    w = np.sort(_as_maps(weights), axis=-1)
    n = w.shape[-1]
    rank = np.arange(1, n + 1)
    g = np.sum((2 * rank - n - 1) * w, axis=-1) / (n * w.sum(-1))
    return g.mean(-1)


def lag_profile(weights) -> tuple[np.ndarray, np.ndarray]:
    """Mean weight by offset ``query - key`` (positive: the key lies in the past).

    weights (..., T, T) -> offsets (2T-1,) from -(T-1) to T-1, and profile (..., 2T-1): the mean of
    the weights on each diagonal. A uniform map gives 1/T at every offset; a period P in the data can
    show as a peak at offset P.
    """
    w = _as_maps(weights)
    t = w.shape[-1]
    if w.shape[-2] != t:
        raise ValueError(f"lag_profile needs square maps (self-attention), got {w.shape[-2:]}")
    offsets = np.arange(-(t - 1), t)
    profile = np.stack([np.diagonal(w, offset=-k, axis1=-2, axis2=-1).mean(-1) for k in offsets], axis=-1)
    return offsets, profile


def local_strength(weights, width: int = 2) -> np.ndarray:
    """Weight within ``|query - key| <= width``, divided by what a uniform map puts there (1 = no locality).

    A bright diagonal gives values well above 1.
    """
    if width < 0:
        raise ValueError(f"width must be >= 0, got {width}")
    w = _as_maps(weights)
    q, k = np.arange(w.shape[-2])[:, None], np.arange(w.shape[-1])[None, :]
    band = np.abs(q - k) <= width
    return (w * band).sum((-2, -1)) / (band.sum(-1) / w.shape[-1]).sum()


def column_mass(weights) -> np.ndarray:
    """Mean weight each key receives over the queries: (..., queries, keys) -> (..., keys), sums to 1."""
    return _as_maps(weights).mean(-2)


def vertical_stripe_score(weights) -> np.ndarray:
    """The largest :func:`column_mass` times the number of keys: 1 = no key stands out, ``keys`` = every
    query attends to the same single key (a vertical stripe)."""
    w = _as_maps(weights)
    return column_mass(w).max(-1) * w.shape[-1]


def focused_row_share(weights, factor: float = 5.0) -> np.ndarray:
    """Share of queries whose largest weight is at least ``factor`` times the uniform 1/keys (0 to 1)."""
    w = _as_maps(weights)
    if not 1.0 < factor <= w.shape[-1]:
        raise ValueError(f"factor must be in (1, {w.shape[-1]}] (a multiple of the uniform weight), got {factor}")
    return (w.max(-1) >= factor / w.shape[-1]).mean(-1)


def key_mass_ratio(weights, keys: np.ndarray) -> np.ndarray:
    """Mean weight on the marked keys divided by the uniform 1/keys (1 = no preference).

    keys: boolean (..., keys), broadcast against :func:`column_mass`; maps with no marked key give NaN.
    """
    w = _as_maps(weights)
    keys = np.broadcast_to(np.asarray(keys, dtype=bool), w.shape[:-2] + w.shape[-1:])
    mass = np.where(keys, column_mass(w), 0.0).sum(-1)
    count = keys.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, mass / count * w.shape[-1], np.nan)


def summarize(weights) -> dict[str, float]:
    """The scalar metrics above, averaged over all maps in ``weights`` (..., T, T)."""
    w = _as_maps(weights)
    return {
        "entropy": float(row_entropy(w).mean()),
        "gini": float(gini(w).mean()),
        "local_strength": float(local_strength(w).mean()),
        "vertical_stripe": float(vertical_stripe_score(w).mean()),
        "focused_rows": float(focused_row_share(w).mean()),
    }
