"""The workshop exercise: write ``AdditiveAttention.forward`` yourself; the checker says what differs.

Your function takes the module as its first argument, like the method it replaces:
``forward(attention, query, keys, mask)`` -> ``(context, weights)``, and may use the module's parts
``attention.query_proj`` (None without a query), ``attention.key_proj``, ``attention.v`` and
``attention.softmax``. :func:`check_additive_forward` runs it beside the package's forward on random
inputs, with and without a query and a mask, and prints what differs: shapes, weights, context, masking.
"""
from typing import Callable

import torch

from ..attention import AdditiveAttention

BATCH, TIME, QUERY_DIM, KEY_DIM, HIDDEN_DIM = 3, 7, 5, 4, 6
CASES = (("with a query", True, False), ("without a query", False, False),
         ("with a query and a mask", True, True), ("without a query, with a mask", False, True))


def _inputs(with_query: bool, with_mask: bool, seed: int):
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # the module's initial weights, without touching the caller's generator
        torch.manual_seed(seed)
        attention = AdditiveAttention(QUERY_DIM if with_query else None, KEY_DIM, HIDDEN_DIM)
    query = torch.randn(BATCH, QUERY_DIM, generator=generator) if with_query else None
    keys = torch.randn(BATCH, TIME, KEY_DIM, generator=generator)
    mask = None
    if with_mask:  # row 0 keeps its first 4 steps, row 1 only its first, row 2 every step
        mask = torch.arange(TIME)[None, :] < torch.tensor([4, 1, TIME])[:, None]
    return attention, query, keys, mask


def _largest_gap(mine: torch.Tensor, theirs: torch.Tensor) -> str:
    gap = (mine - theirs).abs()
    where = tuple(int(i) for i in torch.unravel_index(gap.argmax(), gap.shape))
    return f"by up to {gap.max().item():.4f} (at index {where})"


def _compare_weights(weights, expected, mask, atol: float) -> list[str]:
    if not isinstance(weights, torch.Tensor) or weights.shape != expected.shape:
        shape = tuple(weights.shape) if isinstance(weights, torch.Tensor) else type(weights).__name__
        return [f"weights have shape {shape}, expected (batch, time) = {tuple(expected.shape)}"]
    problems = []
    sums = weights.sum(dim=-1)
    if not torch.allclose(sums, torch.ones_like(sums), atol=atol):
        problems.append(f"weights do not sum to 1 over time (row sums {[round(s, 4) for s in sums.tolist()]}): "
                        "is the softmax taken over the last axis?")
    if mask is not None and not torch.all(weights[~mask] == 0):
        problems.append(f"masked steps get weight up to {weights[~mask].abs().max().item():.4f}, expected 0: "
                        "set their scores to -inf before the softmax")
    if not problems and not torch.allclose(weights, expected, atol=atol):
        problems.append(f"weights differ from the package's {_largest_gap(weights, expected)}: "
                        "check the score v . tanh(W_q q + W_k k_t + b)")
    return problems


def _compare_context(context, expected, atol: float) -> list[str]:
    if not isinstance(context, torch.Tensor) or context.shape != expected.shape:
        shape = tuple(context.shape) if isinstance(context, torch.Tensor) else type(context).__name__
        return [f"context has shape {shape}, expected (batch, key_dim) = {tuple(expected.shape)}"]
    if not torch.allclose(context, expected, atol=atol):
        return [f"context differs from the package's {_largest_gap(context, expected)}: "
                "it should be sum_t weights_t * keys_t"]
    return []


def compare_additive_forward(forward: Callable, seed: int = 0, atol: float = 1e-5) -> dict[str, list[str]]:
    """What differs between ``forward(attention, query, keys, mask)`` and ``AdditiveAttention.forward``,
    case by case: ``{case: [problem, ...]}``, an empty list where everything matches within ``atol``."""
    report = {}
    for name, with_query, with_mask in CASES:
        attention, query, keys, mask = _inputs(with_query, with_mask, seed)
        with torch.no_grad():
            expected_context, expected_weights = attention(query, keys, mask)
            try:
                out = forward(attention, query, keys, mask)
            except Exception as error:  # the student's code: report it, do not stop the notebook
                report[name] = [f"your forward raised {type(error).__name__}: {error}"]
                continue
        if not (isinstance(out, tuple) and len(out) == 2):
            report[name] = [f"your forward returned {type(out).__name__}, expected a pair (context, weights)"]
            continue
        context, weights = out
        report[name] = _compare_weights(weights, expected_weights, mask, atol) + \
            _compare_context(context, expected_context, atol)
    return report


def check_additive_forward(forward: Callable, seed: int = 0) -> bool:
    """Print, case by case, whether ``forward`` computes what ``AdditiveAttention.forward`` computes, and
    what differs where it does not. Returns True when every case matches."""
    report = compare_additive_forward(forward, seed)
    for name, problems in report.items():
        print(f"{name}: " + ("OK" if not problems else "DIFFERS"))
        for problem in problems:
            print(f"    - {problem}")
    failed = sum(bool(p) for p in report.values())
    if failed:
        print(f"FAILED: {failed} of {len(report)} cases differ from AdditiveAttention.forward.")
    else:
        print(f"PASSED: all {len(report)} cases match AdditiveAttention.forward (shapes, weights, context, mask).")
    return not failed
