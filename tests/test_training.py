import pytest
import torch
from torch import nn

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
    best = min(range(len(history.val_loss)), key=history.val_loss.__getitem__) + 1
    assert history.best_epoch == best != len(history.val_loss)
    assert training.evaluate_loss(model, val, mse) == pytest.approx(history.val_loss[best - 1], rel=1e-6)
    saved = training.load_checkpoint(tmp_path / "best.pt")
    assert all(torch.equal(saved[k], v) for k, v in model.state_dict().items())
    assert [p.name for p in tmp_path.iterdir()] == ["best.pt"]  # no temporary file left behind
    assert "*" in history.log().splitlines()[best - 1]


def test_fit_stops_after_patience_epochs_without_improvement():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    data = training.TensorBatches(*regression_data(0), batch_size=64)
    history = training.fit(model, data, data, mse, epochs=50, lr=1e-12, patience=2, progress=False)
    assert history.stopped_early and len(history.val_loss) == history.best_epoch + 2


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
    assert len(norms) == 2 and len(history.val_metrics) == 2
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
