"""What a window forecaster's output depends on: its gradient with respect to each value of the window.

A linear forecaster ``w . x + c`` has gradient ``w``, its weights; for a network the gradient, averaged over
windows, gives the weights of the linear forecaster that it behaves like near the data. Both are read in the
series' own units, through the scaling that :func:`attn_helpers.data.make_windows` applies.
"""
import numpy as np
import torch
from torch import nn


def _offsets(normaliser, x: torch.Tensor) -> torch.Tensor:
    """The torch twin of ``Normaliser.offsets``: (n, window) -> (n, 1), differentiable."""
    if normaliser.center == "last":
        return x[:, -1:]
    if normaliser.center == "mean":
        return x.mean(dim=1, keepdim=True)
    return torch.full_like(x[:, :1], normaliser.mean)


def _check_split(data, split: str) -> None:
    if split not in data.inputs:
        raise ValueError(f"split must be one of {sorted(data.inputs)}, got {split!r}")


def window_gradients(model: nn.Module, data, split: str = "test") -> np.ndarray:
    """d forecast / d x_j for every window of a split and every step j, in the series' units: (n, window).

    ``data`` is a :func:`~attn_helpers.data.make_windows` result for a one-step forecaster that takes
    inputs (batch, window, 1). The forecast is taken exactly as the model makes it: scale the raw window,
    run the model, undo the scaling (for ``center="last"`` the last value is added back, so the last
    step's gradient includes that 1).
    """
    _check_split(data, split)
    norm = data.normaliser
    device = next(model.parameters()).device
    x = torch.tensor(data.inputs[split], dtype=torch.float32, device=device, requires_grad=True)
    model.eval()
    with torch.backends.cudnn.flags(enabled=False):  # cuDNN's LSTM has no backward pass in eval mode
        offsets = _offsets(norm, x)
        forecast = model(((x - offsets) / norm.scale)[..., None]) * norm.scale + offsets  # (n, 1)
        forecast.sum().backward()  # each forecast depends on its own window only
    return x.grad.detach().cpu().numpy().astype(float)
