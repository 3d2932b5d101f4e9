"""The training progress bar in Jupyter: complete (not red) after early stopping, closed after training.

fit() uses tqdm.auto, which in a Jupyter kernel is the ipywidgets bar of tqdm.notebook. These tests
drive that widget bar directly (it works outside a kernel too) and check its final widget state,
which is also what `make execute` stores in the notebook and the built page shows.
"""
import pytest
import torch
from tqdm.notebook import tqdm as widget_tqdm

from attn_helpers import training


def _mse(model, batch):
    x, y = batch
    return ((model(x) - y) ** 2).mean()


def _fit_with_widget_bar(monkeypatch, **kwargs):
    bars = []

    def make_bar(*args, **kw):
        bars.append(widget_tqdm(*args, **kw))
        return bars[-1]

    monkeypatch.setattr(training, "tqdm", make_bar)
    torch.manual_seed(0)
    x = torch.randn(32, 3)
    y = x.sum(1, keepdim=True)
    data = training.TensorBatches(x, y, batch_size=8)
    model = torch.nn.Linear(3, 1)
    history = training.fit(model, data, data, _mse, **kwargs)
    assert len(bars) == 1
    return history, bars[0]


def test_unfinished_widget_bar_is_red_without_the_fix():
    # the tqdm behaviour that _close_progress works around: closing short of the total means 'danger'
    bar = widget_tqdm(total=10, leave=False)
    bar.update(3)
    bar.close()
    assert bar.container.children[1].bar_style == "danger"


def test_early_stopping_closes_the_bar_complete(monkeypatch):
    # a learning rate this large diverges, so validation loss rises and patience 1 stops early
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=20, lr=3.0, patience=1)
    assert history.stopped_early
    epochs_run = len(history.train_loss)
    assert epochs_run < 20
    progress = bar.container.children[1]
    assert progress.bar_style != "danger"
    assert progress.max == epochs_run and progress.value == epochs_run
    assert bar.n == bar.total == epochs_run
    assert bar.container.layout.visibility == "hidden"  # leave=False: closed and hidden


def test_full_run_closes_the_bar(monkeypatch):
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=3, lr=1e-2, patience=5)
    assert not history.stopped_early and len(history.train_loss) == 3
    progress = bar.container.children[1]
    assert progress.bar_style != "danger" and progress.value == progress.max == 3


def test_progress_false_shows_no_bar(monkeypatch):
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=2, progress=False)
    assert bar.disable and len(history.train_loss) == 2


@pytest.mark.parametrize("epochs_run", [1, 4])
def test_close_progress_on_a_console_bar(epochs_run):
    from tqdm import tqdm as console_tqdm

    bar = console_tqdm(total=10, disable=True)
    training._close_progress(bar, epochs_run)
    assert bar.total == epochs_run
