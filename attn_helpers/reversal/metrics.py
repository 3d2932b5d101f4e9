"""Chapter 4's measures: exact match and token accuracy of decoded sentences, and alignment read
from attention."""
import torch
import torch.nn.functional as F

from .data import PAD
from .model import mirror_targets


def sequence_scores(tokens: torch.Tensor, tgt: torch.Tensor) -> dict[str, float]:
    """Exact match (whole output equals the reference, ``<eos>`` included) and token accuracy
    (share of reference tokens, words and ``<eos>``, predicted at their position).

    tokens (batch, steps) from :func:`greedy_decode`, tgt (batch, tgt_len) with ``<sos>`` first.
    """
    ref = tgt[:, 1:]
    width = max(tokens.shape[1], ref.shape[1])
    pred = F.pad(tokens, (0, width - tokens.shape[1]), value=PAD)
    ref = F.pad(ref, (0, width - ref.shape[1]), value=PAD)
    same = pred == ref
    return {"exact_match": same.all(1).double().mean().item(),
            "token_accuracy": same[ref != PAD].double().mean().item()}


def alignment_rate(weights: torch.Tensor, src: torch.Tensor) -> float:
    """Share of word-emitting decoder steps whose attention argmax is the mirrored source position.

    weights (batch, steps, src_len), e.g. teacher-forced, src (batch, src_len).
    """
    target, valid = mirror_targets(src, weights.shape[1])
    hit = weights.argmax(-1) == target
    return hit[valid].double().mean().item()
