"""Chapter 4's workshop exercise: write the decoder's attention step, checked against the package's.

The student writes ``attention_step(state, keys, mask, W_q, W_k, b, v) -> (context, weights)``:
the additive score ``e_j = v . tanh(W_q state + W_k keys_j + b)``, a softmax over the real source
tokens, and the weighted sum of the keys. :func:`check_attention_step` runs it on random inputs
beside :class:`attn_helpers.attention.AdditiveAttention` and says what differs.
"""
from dataclasses import dataclass, field
from typing import Callable

import torch

from ..attention import AdditiveAttention

TOLERANCE = 1e-5  # largest difference from the package's result that still counts as equal


@dataclass
class CheckReport:
    """The checker's verdict: ``passed`` and one line per finding, shown as Markdown in a notebook."""

    passed: bool
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = "PASSED" if self.passed else "NOT YET"
        return "\n".join([f"{head}: attention_step", *(f"- {line}" for line in self.lines)])

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        head = "**Passed.**" if self.passed else "**Not yet.**"
        return "\n".join([head, "", *(f"- {line}" for line in self.lines)])


def random_case(seed: int = 0, batch: int = 4, src_len: int = 7, hidden: int = 6, key_dim: int = 8,
                attn_dim: int = 5):
    """Random inputs of deliberately different sizes, padding in all but one row, and the package's module.

    -> (inputs: dict of state (batch, hidden), keys (batch, src_len, key_dim), mask (batch, src_len),
    W_q (attn_dim, hidden), W_k (attn_dim, key_dim), b (attn_dim,), v (attn_dim,); the AdditiveAttention
    holding those weights)
    """
    gen = torch.Generator().manual_seed(seed)
    module = AdditiveAttention(hidden, key_dim, attn_dim)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    lengths = torch.tensor([src_len] + [int(n) for n in torch.randint(1, src_len, (batch - 1,), generator=gen)])
    inputs = {
        "state": torch.randn(batch, hidden, generator=gen),
        "keys": torch.randn(batch, src_len, key_dim, generator=gen),
        "mask": torch.arange(src_len)[None, :] < lengths[:, None],
        "W_q": module.query_proj.weight.detach().clone(),
        "W_k": module.key_proj.weight.detach().clone(),
        "b": module.key_proj.bias.detach().clone(),
        "v": module.v.weight.detach()[0].clone(),
    }
    return inputs, module


def _call(fn: Callable, inputs: dict):
    """The student's outputs, or the sentence that says why there are none."""
    try:
        out = fn(**{k: v.clone() for k, v in inputs.items()})
    except NotImplementedError:
        return None, "attention_step is not written yet (it raises NotImplementedError)."
    except Exception as error:  # any error is a finding to report, not a crash of the checker
        return None, f"attention_step raised {type(error).__name__}: {error}"
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(t, torch.Tensor) for t in out)):
        return None, "attention_step must return a tuple of two tensors: (context, weights)."
    return out, None


def _compare(out, inputs: dict, module: AdditiveAttention) -> list[str]:
    """What differs between the student's (context, weights) and the package's, in plain words."""
    context, weights = out
    with torch.no_grad():
        ref_context, ref_weights = module(inputs["state"], inputs["keys"], inputs["mask"])
    if weights.shape != ref_weights.shape:
        return [f"weights have shape {tuple(weights.shape)}, expected (batch, src_len) = {tuple(ref_weights.shape)}."]
    if context.shape != ref_context.shape:
        return [f"context has shape {tuple(context.shape)}, expected (batch, key_dim) = {tuple(ref_context.shape)}."]
    weights, context = weights.detach().float(), context.detach().float()
    if not (torch.isfinite(weights).all() and torch.isfinite(context).all()):
        return ["the weights or the context hold NaN or inf: a softmax over scores that are all -inf? "
                "Only the padding may be -inf."]
    found = []
    on_padding = weights.masked_fill(inputs["mask"], 0.0).abs().max().item()
    if on_padding > TOLERANCE:
        found.append(f"padding gets weight (up to {on_padding:.3f}): give masked scores -inf before the softmax.")
    sums = weights.sum(-1)
    if (sums - 1).abs().max().item() > TOLERANCE:
        found.append(f"the weights of a decoder step sum to {sums.min().item():.3f} to {sums.max().item():.3f}, "
                     "not 1: take the softmax over the source tokens (the last axis).")
    gap = (weights - ref_weights).abs().max().item()
    if gap > TOLERANCE and not found:
        found.append(f"the weights differ from the package's by up to {gap:.3f}: check the score "
                     "v . tanh(W_q state + W_k key_j + b) (which weights multiply which input, the tanh, the bias).")
    context_gap = (context - ref_context).abs().max().item()
    if context_gap > TOLERANCE:
        if gap <= TOLERANCE:
            found.append(f"the weights are right but the context differs by up to {context_gap:.3f}: it is "
                         "sum_j weight_j * key_j, one vector of size key_dim per sentence.")
        else:
            found.append(f"the context differs by up to {context_gap:.3f} (it follows from the weights).")
    return found


def check_attention_step(fn: Callable, seeds: tuple[int, ...] = (0, 1, 2)) -> CheckReport:
    """Run ``fn`` on random inputs (one case per seed) beside the package's AdditiveAttention.

    Passes when the weights and the context agree within TOLERANCE on every case; otherwise the
    report says what differs, for the first case that fails. Never raises for a wrong answer.
    """
    for seed in seeds:
        inputs, module = random_case(seed)
        out, problem = _call(fn, inputs)
        found = [problem] if problem else _compare(out, inputs, module)
        if found:
            sizes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in inputs.items())
            return CheckReport(False, found + [f"(random case {seed}: {sizes})"])
    return CheckReport(True, [f"weights and context agree with the package's AdditiveAttention on {len(seeds)} "
                              f"random cases with padding (every difference below {TOLERANCE:.0e})."])
