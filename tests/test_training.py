import pytest
import torch
from torch import nn
from tqdm.notebook import tqdm as widget_tqdm

from attn_helpers import training


def regression_data(seed=0, n=64):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(n, 1, generator=g)


def mse(model, batch):
    return nn.functional.mse_loss(model(batch[0]), batch[1])


def test_tensor_batches_cover_every_item_once_and_reshuffle_reproducibly():
    x = torch.arange(10)
    a = training.TensorBatches(x, batch_size=4, shuffle=True, seed=3)
    b = training.TensorBatches(x, batch_size=4, shuffle=True, seed=3)
    first = [t[0].tolist() for t in a]
    assert len(a) == 3 and sorted(sum(first, [])) == list(range(10))
    assert first == [t[0].tolist() for t in b]
    assert first != [t[0].tolist() for t in a]  # a new order every epoch


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0), "batch_size must be >= 1"),
])
def test_tensor_batches_reject_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.TensorBatches(torch.zeros(3), **kwargs)
    with pytest.raises(ValueError, match="same length"):
        training.TensorBatches(torch.zeros(3), torch.zeros(4), batch_size=2)
    with pytest.raises(ValueError, match="empty"):
        training.TensorBatches(torch.zeros(0), batch_size=2)


def test_fit_restores_the_epoch_with_the_lowest_validation_loss(tmp_path):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    train = training.TensorBatches(*regression_data(0), batch_size=16, shuffle=True)
    val = training.TensorBatches(*regression_data(1), batch_size=64)
    # a learning rate this large makes the validation loss bounce, so the last epoch is not the best
    history = training.fit(model, train, val, mse, epochs=8, lr=3.0, patience=100, progress=False,
                           checkpoint_path=tmp_path / "best.pt")
    best = min(range(len(history.val_loss)), key=history.val_loss.__getitem__)
    assert history.best_epoch == best != history.epochs_run and history.left_start
    assert training.evaluate_loss(model, val, mse) == pytest.approx(history.val_loss[best], rel=1e-6)
    saved = training.load_checkpoint(tmp_path / "best.pt")
    assert all(torch.equal(saved[k], v) for k, v in model.state_dict().items())
    assert [p.name for p in tmp_path.iterdir()] == ["best.pt"]  # no temporary file left behind
    assert "*" in history.log().splitlines()[best]


def test_fit_stops_after_patience_epochs_without_improvement():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    data = training.TensorBatches(*regression_data(0), batch_size=64)
    history = training.fit(model, data, data, mse, epochs=50, lr=1e-12, patience=2, progress=False)
    assert history.stopped_early and history.epochs_run == history.best_epoch + 2


def test_fit_matches_a_plain_adam_loop():
    torch.manual_seed(0)
    a, b = nn.Linear(3, 1), nn.Linear(3, 1)
    b.load_state_dict(a.state_dict())
    x, y = regression_data(0)
    data = training.TensorBatches(x, y, batch_size=16)
    training.fit(a, data, data, mse, epochs=3, lr=0.01, progress=False)
    opt = torch.optim.Adam(b.parameters(), lr=0.01)
    for _ in range(3):
        for xb, yb in data:
            opt.zero_grad()
            mse(b, (xb, yb)).backward()
            opt.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)


def test_fit_records_validation_metrics_and_applies_clipping():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    data = training.TensorBatches(*regression_data(0), batch_size=64)
    norms = []
    clip = lambda params: norms.append(float(nn.utils.clip_grad_norm_(list(params), 0.5)))
    history = training.fit(model, data, data, mse, epochs=2, clip_grad=clip, progress=False,
                           val_metrics=lambda m: {"bias": m.bias.item()})
    assert len(norms) == 2 and len(history.val_metrics) == 3  # epoch 0 (the start), 1 and 2
    assert "bias" in history.log()


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=0), "epochs must be >= 1"),
    (dict(epochs=1, patience=0), "patience must be >= 1"),
    (dict(epochs=1, lr=0.0), "lr must be > 0"),
])
def test_fit_rejects_bad_arguments(kwargs, message):
    data = training.TensorBatches(*regression_data(0), batch_size=64)
    with pytest.raises(ValueError, match=message):
        training.fit(nn.Linear(3, 1), data, data, mse, progress=False, **kwargs)


def test_load_checkpoint_refuses_arbitrary_objects(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"payload": object()}, path)
    with pytest.raises(Exception):
        training.load_checkpoint(path)



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


def test_tqdm_draws_a_widget_bar_closed_short_of_its_total_in_red():
    # the tqdm behaviour that _close_progress works around: closing short of the total means 'danger'
    bar = widget_tqdm(total=10, leave=False)
    bar.update(3)
    bar.close()
    assert bar.container.children[1].bar_style == "danger"


def test_early_stopping_closes_the_bar_complete(monkeypatch):
    # a learning rate this large diverges, so validation loss rises and patience 1 stops early
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=20, lr=3.0, patience=1)
    assert history.stopped_early
    epochs_run = history.epochs_run
    assert epochs_run < 20
    progress = bar.container.children[1]
    assert progress.bar_style != "danger"
    assert progress.max == epochs_run and progress.value == epochs_run
    assert bar.n == bar.total == epochs_run
    assert bar.container.layout.visibility == "hidden"  # leave=False: closed and hidden


def test_a_full_run_closes_the_bar_complete(monkeypatch):
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=3, lr=1e-2, patience=5)
    assert not history.stopped_early and history.epochs_run == 3
    progress = bar.container.children[1]
    assert progress.bar_style != "danger" and progress.value == progress.max == 3


def test_progress_false_disables_the_bar(monkeypatch):
    history, bar = _fit_with_widget_bar(monkeypatch, epochs=2, progress=False)
    assert bar.disable and history.epochs_run == 2


@pytest.mark.parametrize("epochs_run", [1, 4])
def test_close_progress_cuts_a_console_bar_to_the_epochs_run(epochs_run):
    from tqdm import tqdm as console_tqdm

    bar = console_tqdm(total=10, disable=True)
    training._close_progress(bar, epochs_run)
    assert bar.total == epochs_run


def test_fit_validates_the_starting_weights_and_keeps_them_when_no_epoch_beats_them():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    start = {k: v.clone() for k, v in model.state_dict().items()}
    data = training.TensorBatches(*regression_data(0), batch_size=16)
    # a learning rate this large diverges at once: every epoch is worse than the start
    history = training.fit(model, data, data, mse, epochs=3, lr=50.0, patience=2, progress=False)
    assert history.best_epoch == 0 and not history.left_start
    assert history.val_loss[0] == pytest.approx(training.evaluate_loss(model, data, mse))
    assert all(torch.equal(start[k], v) for k, v in model.state_dict().items())
    first_line = history.log().splitlines()[0]
    assert first_line.startswith("epoch   0  train    (start)  val") and first_line.endswith("*")


class Doubler(nn.Module):
    """A model with the book's attention contract, to test batched prediction."""

    def forward(self, x):
        return self.forward_with_weights(x)[0]

    def forward_with_weights(self, x):
        return 2 * x, torch.softmax(x, dim=-1)

    def parameters(self, recurse=True):
        yield torch.zeros(1)


@pytest.mark.parametrize("batch_size", [1, 3, 100])
def test_predict_concatenates_batches_in_order_without_gradients(batch_size):
    model = nn.Linear(3, 2)
    x = torch.randn(10, 3)
    pred = training.predict(model, x, batch_size=batch_size)
    torch.testing.assert_close(pred, model(x).detach(), rtol=0, atol=1e-6)
    assert not pred.requires_grad and not model.training
    out, weights = training.predict_with_weights(Doubler(), x, batch_size=batch_size)
    torch.testing.assert_close(out, 2 * x)
    torch.testing.assert_close(weights, torch.softmax(x, dim=-1))


def test_predict_rejects_a_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        training.predict(nn.Linear(3, 2), torch.randn(4, 3), batch_size=0)
