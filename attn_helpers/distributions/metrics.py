"""Numbers that describe attention maps (Chapter 5), each read against the uniform map.

Every function takes weights of shape ``(..., queries, keys)`` whose rows sum to 1 (a softmax over the
keys) and returns one value per map, shape ``(...)``, unless stated otherwise. Where the position of a
query matters (diagonal, lag), ``query_positions`` (queries,) gives it on the keys' time axis; by
default query i sits at key i (self-attention).

The source study's five pattern metrics, as computed here:

- entropy: :func:`row_entropy` (1 = uniform);
- Gini: :func:`gini` (0 = uniform);
- diagonal: :func:`local_strength` (1 = uniform, a bright diagonal gives more);
- vertical (a key every query reads): :func:`vertical_stripe_score` (1 = uniform);
- horizontal (queries that focus): :func:`focused_row_share` (0 for the uniform map).
"""
import numpy as np

from ..metrics import as_numpy, normalized_entropy


def _as_maps(weights) -> np.ndarray:
    w = as_numpy(weights, float)
    if w.ndim < 2 or w.shape[-1] < 2:
        raise ValueError(f"weights must have shape (..., queries, keys) with keys >= 2, got {w.shape}")
    if np.any(w < 0) or not np.allclose(w.sum(-1), 1.0, atol=1e-4):
        raise ValueError("weights must be non-negative and every row must sum to 1 (a softmax over keys)")
    return w


def _positions(w: np.ndarray, query_positions) -> np.ndarray:
    if query_positions is None:
        if w.shape[-2] != w.shape[-1]:
            raise ValueError(f"maps of shape {w.shape[-2:]} are not square: give query_positions")
        return np.arange(w.shape[-2])
    query_positions = np.asarray(query_positions)
    if query_positions.shape != (w.shape[-2],):
        raise ValueError(f"query_positions must have shape ({w.shape[-2]},), got {query_positions.shape}")
    return query_positions


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


def local_strength(weights, width: int = 2, query_positions=None) -> np.ndarray:
    """Weight on keys within ``width`` steps of the query, over what a uniform map puts there
    (1 = no locality; a bright diagonal gives more). Rows with no key in reach are left out."""
    if width < 0:
        raise ValueError(f"width must be >= 0, got {width}")
    w = _as_maps(weights)
    q = _positions(w, query_positions)[:, None]
    band = np.abs(q - np.arange(w.shape[-1])[None, :]) <= width  # (queries, keys)
    rows = band.any(-1)
    if not rows.any():
        return np.full(w.shape[:-2], np.nan)
    uniform = band[rows].sum() / w.shape[-1]
    return (w[..., rows, :] * band[rows]).sum((-2, -1)) / uniform


def column_mass(weights) -> np.ndarray:
    """Mean weight each key receives over the queries: (..., queries, keys) -> (..., keys), sums to 1."""
    return _as_maps(weights).mean(-2)


def vertical_stripe_score(weights) -> np.ndarray:
    """The largest :func:`column_mass` times the number of keys: 1 = no key stands out, ``keys`` = every
    query attends to the same single key (a vertical stripe)."""
    w = _as_maps(weights)
    return column_mass(w).max(-1) * w.shape[-1]


def focused_row_share(weights, factor: float = 5.0) -> np.ndarray:
    """Share of queries whose largest weight is at least ``factor`` times the uniform 1/keys (0 to 1).

    A row of a softmax map always sums to 1, so no row is brighter than another in total; a
    horizontal pattern can only mean that some queries concentrate their weight and others do not.
    """
    w = _as_maps(weights)
    if not 1.0 < factor <= w.shape[-1]:
        raise ValueError(f"factor must be in (1, {w.shape[-1]}] (a multiple of the uniform weight), got {factor}")
    return (w.max(-1) >= factor / w.shape[-1]).mean(-1)


def lag_profile(weights, query_positions=None) -> tuple[np.ndarray, np.ndarray]:
    """Mean weight by lag ``query position - key`` (positive: the key lies in the past).

    weights (..., queries, keys) -> lags (L,) from the smallest to the largest lag present, and
    profile (..., L): the mean weight of the (query, key) pairs at each lag. A uniform map gives
    1/keys at every lag; a period P in the data can show as a peak at lag P.
    """
    w = _as_maps(weights)
    lag = _positions(w, query_positions)[:, None] - np.arange(w.shape[-1])[None, :]  # (queries, keys)
    order = np.argsort(lag.ravel(), kind="stable")
    lags, starts, counts = np.unique(lag.ravel()[order], return_index=True, return_counts=True)
    grouped = w.reshape(w.shape[:-2] + (-1,))[..., order]  # (..., queries * keys), sorted by lag
    return lags, np.add.reduceat(grouped, starts, axis=-1) / counts


def key_mass(weights, keys) -> np.ndarray:
    """Total weight a query puts on the marked keys, averaged over queries (0 to 1).

    keys: boolean, (keys,) for every query alike or (queries, keys), or broadcastable to
    (..., queries, keys). A uniform map gives the marked share of the keys.
    """
    w = _as_maps(weights)
    keys = np.asarray(keys, dtype=bool)
    if keys.ndim == 1:
        keys = keys[None, :]
    try:
        keys = np.broadcast_to(keys, w.shape)
    except ValueError:
        raise ValueError(f"keys of shape {keys.shape} do not broadcast to the maps {w.shape}") from None
    return np.where(keys, w, 0.0).sum(-1).mean(-1)


def key_mass_ratio(weights, keys) -> np.ndarray:
    """Mean weight on the marked keys divided by the uniform 1/keys (1 = no preference).

    keys: boolean (..., keys), broadcast against :func:`column_mass`; maps with no marked key give NaN.
    """
    w = _as_maps(weights)
    keys = np.broadcast_to(np.asarray(keys, dtype=bool), w.shape[:-2] + w.shape[-1:])
    mass = np.where(keys, column_mass(w), 0.0).sum(-1)
    count = keys.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, mass / count * w.shape[-1], np.nan)


SOURCE_METRICS = {"entropy": row_entropy, "gini": gini, "diagonal": local_strength,
                  "vertical": vertical_stripe_score, "horizontal": focused_row_share}
"""The source study's five pattern metrics, by its names."""


def summarize(weights, query_positions=None) -> dict[str, np.ndarray]:
    """The five source metrics of every map in ``weights`` (..., queries, keys) -> name -> (...)."""
    w = _as_maps(weights)
    return {name: (fn(w, query_positions=query_positions) if name == "diagonal" else fn(w))
            for name, fn in SOURCE_METRICS.items()}
