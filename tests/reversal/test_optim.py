import pytest
import torch
from torch import nn

from attn_helpers.reversal.optim import Adam, clip_grad_max_norm


def small_net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))


def train_steps(net, optimizer, steps=100, seed=0):
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x, y = torch.randn(32, 6, generator=gen), torch.randint(0, 3, (32,), generator=gen)
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        optimizer.step()
    return net


@pytest.mark.parametrize("lr", [1e-3, 1e-2])
def test_adam_matches_torch_adam_after_100_steps(lr):
    ours, ref = small_net(), small_net()
    train_steps(ours, Adam(ours.parameters(), lr=lr))
    train_steps(ref, torch.optim.Adam(ref.parameters(), lr=lr))
    moved = 0.0
    for p, q, p0 in zip(ours.parameters(), ref.parameters(), small_net().parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=1e-7)
        moved = max(moved, (q - p0).abs().max().item())
    assert moved > 10 * lr  # the comparison is not between two untouched networks


def test_textbook_adam_is_close_but_rounds_differently():
    ours, ref = small_net(), small_net()
    train_steps(ours, Adam(ours.parameters(), lr=1e-2, torch_order=False))
    train_steps(ref, torch.optim.Adam(ref.parameters(), lr=1e-2))
    gaps = [(p - q).abs().max().item() for p, q in zip(ours.parameters(), ref.parameters())]
    assert max(gaps) < 1e-4


@pytest.mark.parametrize("kwargs, match", [
    (dict(lr=0.0), "lr must be > 0"),
    (dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    (dict(betas=(-0.1, 0.9)), r"betas\[0\]"),
    (dict(eps=0.0), "eps must be > 0"),
])
def test_adam_rejects_bad_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Adam(small_net().parameters(), **kwargs)


def grads_of(seed, scale):
    net = small_net(seed)
    x = torch.randn(8, 6, generator=torch.Generator().manual_seed(seed))
    (scale * net(x).pow(2).sum()).backward()
    return net


@pytest.mark.parametrize("scale, max_norm", [(10.0, 1.0), (1e-4, 1.0), (3.0, 0.5)])
def test_clipping_matches_torch_clip_grad_norm(scale, max_norm):
    ours, ref = grads_of(1, scale), grads_of(1, scale)
    norm = clip_grad_max_norm(ours.parameters(), max_norm)
    ref_norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), max_norm)
    torch.testing.assert_close(norm, ref_norm, rtol=0, atol=0)
    for p, q in zip(ours.parameters(), ref.parameters()):
        torch.testing.assert_close(p.grad, q.grad, rtol=0, atol=1e-7)
    after = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in ours.parameters()]))
    assert after <= max_norm + 1e-5
    if norm > max_norm:
        assert after == pytest.approx(max_norm, rel=1e-4)  # clipped onto the ball, direction kept


def test_clipping_leaves_small_gradients_unchanged():
    net = grads_of(2, 1e-4)
    before = [p.grad.clone() for p in net.parameters()]
    assert clip_grad_max_norm(net.parameters(), 1.0) < 1.0
    for b, p in zip(before, net.parameters()):
        torch.testing.assert_close(p.grad, b, rtol=0, atol=0)


def test_clipping_rejects_nonpositive_max_norm():
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_grad_max_norm(small_net().parameters(), 0.0)
