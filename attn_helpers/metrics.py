"""Generic metrics shared by the chapters: errors and the normalised entropy of attention weights."""
import numpy as np
import torch


def as_numpy(x, dtype=None) -> np.ndarray:
    """A numpy array from an array-like or a tensor (detached, on the CPU)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=dtype)


def rmse(pred, target) -> float:
    """Root mean squared error over all elements."""
    return float(np.sqrt(mse(pred, target)))


def mse(pred, target) -> float:
    """Mean squared error over all elements."""
    pred, target = as_numpy(pred, float), as_numpy(target, float)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    return float(np.mean((pred - target) ** 2))


def normalized_entropy(weights, axis: int = -1) -> np.ndarray:
    """Entropy of attention distributions divided by log(T): 1 = uniform over T steps, 0 = one step.

    weights (..., T) summing to 1 along ``axis`` -> (...)
    """
    w = as_numpy(weights, float)
    n = w.shape[axis]
    if n < 2:
        raise ValueError(f"normalized entropy needs at least 2 steps along axis {axis}, got {n}")
    ent = -np.sum(np.where(w > 0, w * np.log(np.where(w > 0, w, 1.0)), 0.0), axis=axis)
    return ent / np.log(n)
