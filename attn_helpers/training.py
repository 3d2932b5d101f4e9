"""The one training loop every chapter uses (Adam by default, early stopping, the best weights restored,
the starting weights among the candidates), and batched prediction."""
import copy
import os
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Iterable

import torch
from torch import nn
from tqdm.auto import tqdm


class TensorBatches:
    """Re-iterable mini-batches over tensors of equal first dimension, shuffled by its own seeded generator."""

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = False, seed: int = 0):
        if not tensors:
            raise ValueError("TensorBatches needs at least one tensor")
        n = len(tensors[0])
        if any(len(t) != n for t in tensors):
            raise ValueError(f"all tensors must have the same length, got {[len(t) for t in tensors]}")
        if n == 0:
            raise ValueError("tensors are empty: there is nothing to batch")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.tensors, self.batch_size, self.shuffle = tensors, batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.tensors[0]) // self.batch_size)

    def __iter__(self):
        n = len(self.tensors[0])
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield tuple(t[idx] for t in self.tensors)


@dataclass
class History:
    """Losses of one :func:`fit` run. Index 0 is the model before training (epoch 0: no train loss);
    index i is epoch i."""

    train_loss: list[float] = field(default_factory=list)  # [nan, epoch 1, epoch 2, ...]
    val_loss: list[float] = field(default_factory=list)  # [start, epoch 1, epoch 2, ...]
    val_metrics: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0  # the epoch whose weights were restored; 0 = the starting weights were best
    stopped_early: bool = False

    @property
    def epochs_run(self) -> int:
        return len(self.val_loss) - 1

    @property
    def left_start(self) -> bool:
        """Did training find weights better (on validation) than the ones it started from?"""
        return self.best_epoch > 0

    def log(self) -> str:
        """One line per epoch, deterministic, for a nbval-checked cell. ``*`` marks the restored epoch."""
        lines = []
        for i, (tr, va) in enumerate(zip(self.train_loss, self.val_loss)):
            extra = "".join(f"  {k} {v:.4f}" for k, v in (self.val_metrics[i] if self.val_metrics else {}).items())
            mark = " *" if i == self.best_epoch else ""
            train = "   (start)" if i == 0 else f"{tr:.6f}"
            lines.append(f"epoch {i:3d}  train {train}  val {va:.6f}{extra}{mark}")
        return "\n".join(lines)


def save_checkpoint(state_dict: dict, path: str | os.PathLike) -> None:
    """Write ``state_dict`` atomically: to a temporary file in the same folder, then rename."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(state_dict, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict:
    """Load a state dict saved by :func:`save_checkpoint`, tensors only (``weights_only=True``)."""
    return torch.load(path, map_location=map_location, weights_only=True)


def _to(batch, device):
    return tuple(t.to(device) if isinstance(t, torch.Tensor) else t for t in batch)


def evaluate_loss(model: nn.Module, batches: Iterable, loss_fn: Callable, device: torch.device | str = "cpu") -> float:
    """Mean of ``loss_fn(model, batch)`` over batches, weighted by batch size, in eval mode."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            batch = _to(batch, device)
            n = len(batch[0])
            total += float(loss_fn(model, batch)) * n
            count += n
    return total / count


def _close_progress(bar, epochs_run: int) -> None:
    """Close the bar as complete after ``epochs_run`` epochs.

    Early stopping is planned, not a failure, but tqdm draws a bar that stops short of its total
    in red (Jupyter's 'danger' style); so the total is cut to the epochs actually run first.
    """
    if bar.total != epochs_run:
        bar.total = epochs_run
        if hasattr(bar, "container"):  # the Jupyter widget: (label, progress, text)
            bar.container.children[1].max = epochs_run
    bar.close()


def fit(
    model: nn.Module,
    train: Iterable,
    val: Iterable,
    loss_fn: Callable[[nn.Module, tuple], torch.Tensor],
    *,
    epochs: int,
    lr: float = 1e-3,
    patience: int = 5,
    optimizer: torch.optim.Optimizer | None = None,
    clip_grad: Callable[[Iterable[torch.Tensor]], object] | None = None,
    val_metrics: Callable[[nn.Module], dict[str, float]] | None = None,
    checkpoint_path: str | os.PathLike | None = None,
    device: torch.device | str = "cpu",
    progress: bool = True,
) -> History:
    """Train ``model`` and restore the weights of the epoch with the lowest validation loss.

    The model is validated before the first step (epoch 0), so when no epoch beats the starting
    weights, those are restored and ``history.left_start`` is False.

    ``loss_fn(model, batch)`` returns the mean loss of one batch (a tuple of tensors).
    ``optimizer`` defaults to ``torch.optim.Adam(lr=lr)``; ``clip_grad(parameters)`` runs after
    ``backward``; ``val_metrics(model)`` adds per-epoch validation metrics to the history.
    Training stops after ``patience`` epochs without a new best validation loss.
    With ``checkpoint_path`` the best weights are also written there atomically.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if patience < 1:
        raise ValueError(f"patience must be >= 1, got {patience}")
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    history = History()

    def validate(train_loss: float) -> float:
        history.train_loss.append(train_loss)
        history.val_loss.append(evaluate_loss(model, val, loss_fn, device))
        if val_metrics is not None:
            history.val_metrics.append(val_metrics(model))
        return history.val_loss[-1]

    best_loss = validate(float("nan"))  # epoch 0: the starting weights are a candidate too
    best_state, waited = copy.deepcopy(model.state_dict()), 0
    if checkpoint_path is not None:
        save_checkpoint(best_state, checkpoint_path)
    bar = tqdm(total=epochs, desc="epochs", disable=not progress, leave=False)
    for epoch in range(1, epochs + 1):
        model.train()
        total, count = 0.0, 0
        for batch in train:
            batch = _to(batch, device)
            optimizer.zero_grad()
            loss = loss_fn(model, batch)
            loss.backward()
            if clip_grad is not None:
                clip_grad(model.parameters())
            optimizer.step()
            total += loss.item() * len(batch[0])
            count += len(batch[0])
        val_loss = validate(total / count)
        bar.set_postfix(train=f"{total / count:.4g}", val=f"{val_loss:.4g}", refresh=False)
        bar.update(1)
        if val_loss < best_loss:
            best_loss, waited, history.best_epoch = val_loss, 0, epoch
            best_state = copy.deepcopy(model.state_dict())
            if checkpoint_path is not None:
                save_checkpoint(best_state, checkpoint_path)
        else:
            waited += 1
            if waited >= patience:
                history.stopped_early = True
                break
    _close_progress(bar, epoch)
    model.load_state_dict(best_state)
    model.eval()
    return history


def _batched(inputs: tuple[torch.Tensor, ...], batch_size: int):
    if not inputs:
        raise ValueError("predict needs at least one input tensor")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    n = len(inputs[0])
    for start in range(0, n, batch_size):
        yield tuple(t[start:start + batch_size] for t in inputs)


@torch.no_grad()
def predict(model: nn.Module, *inputs: torch.Tensor, batch_size: int = 256,
            device: torch.device | str | None = None) -> torch.Tensor:
    """``model(*inputs)`` in eval mode without gradients, in batches along the first axis; on the CPU.

    inputs (n, ...) -> predictions (n, ...)
    """
    model.eval()
    device = device or next(model.parameters()).device
    return torch.cat([model(*_to(batch, device)).cpu() for batch in _batched(inputs, batch_size)])


@torch.no_grad()
def predict_with_weights(model: nn.Module, *inputs: torch.Tensor, batch_size: int = 256,
                         device: torch.device | str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``model.forward_with_weights(*inputs)`` in batches: (predictions (n, ...), attention weights (n, ...))."""
    model.eval()
    device = device or next(model.parameters()).device
    parts = [model.forward_with_weights(*_to(batch, device)) for batch in _batched(inputs, batch_size)]
    return torch.cat([p.cpu() for p, _ in parts]), torch.cat([w.cpu() for _, w in parts])
