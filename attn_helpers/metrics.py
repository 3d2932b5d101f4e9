"""Error and attention metrics shared by the chapters."""
import numpy as np
import torch


def rmse(pred, target) -> float:
    """Root mean squared error over all elements."""
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    return float(np.sqrt(np.mean((pred - target) ** 2)))


def mse(pred, target) -> float:
    """Mean squared error over all elements."""
    return rmse(pred, target) ** 2


def normalized_entropy(weights, axis: int = -1) -> np.ndarray:
    """Entropy of attention distributions divided by log(T): 1 = uniform over T steps, 0 = one step.

    weights (..., T) summing to 1 along ``axis`` -> (...)
    """
    w = np.asarray(weights.detach().cpu() if isinstance(weights, torch.Tensor) else weights, dtype=float)
    n = w.shape[axis]
    if n < 2:
        raise ValueError(f"normalized entropy needs at least 2 steps along axis {axis}, got {n}")
    ent = -np.sum(np.where(w > 0, w * np.log(np.where(w > 0, w, 1.0)), 0.0), axis=axis)
    return ent / np.log(n)
