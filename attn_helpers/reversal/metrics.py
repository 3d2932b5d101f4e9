"""Chapter 4's measures: exact match and token accuracy of decoded sentences, exact match by sentence
length, and alignment read from attention."""
import pandas as pd
import torch
import torch.nn.functional as F

from .data import PAD
from .model import mirror_targets


def _aligned(tokens: torch.Tensor, tgt: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Outputs and references (``tgt`` without ``<sos>``) padded to one width: (batch, width) each."""
    ref = tgt[:, 1:]
    width = max(tokens.shape[1], ref.shape[1])
    return F.pad(tokens, (0, width - tokens.shape[1]), value=PAD), F.pad(ref, (0, width - ref.shape[1]), value=PAD)


def exact_per_sentence(tokens: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """True where the whole output equals the reference, ``<eos>`` included. -> (batch,) bool"""
    pred, ref = _aligned(tokens, tgt)
    return (pred == ref).all(1)


def sequence_scores(tokens: torch.Tensor, tgt: torch.Tensor) -> dict[str, float]:
    """Exact match (whole output equals the reference, ``<eos>`` included) and token accuracy
    (share of reference tokens, words and ``<eos>``, predicted at their position).

    tokens (batch, steps) from ``greedy_decode``, tgt (batch, tgt_len) with ``<sos>`` first.
    """
    pred, ref = _aligned(tokens, tgt)
    same = pred == ref
    return {"exact_match": same.all(1).double().mean().item(),
            "token_accuracy": same[ref != PAD].double().mean().item()}


def exact_match_by_length(tokens: torch.Tensor, tgt: torch.Tensor) -> pd.DataFrame:
    """Exact match per sentence length (words, ``<sos>`` and ``<eos>`` not counted).

    tokens (batch, steps), tgt (batch, tgt_len) -> a frame indexed by ``words`` with the number of
    ``sentences`` and their ``exact_match``.
    """
    words = (tgt != PAD).sum(1) - 2
    exact = exact_per_sentence(tokens, tgt)
    rows = {int(n): {"sentences": int((words == n).sum()), "exact_match": exact[words == n].double().mean().item()}
            for n in torch.unique(words)}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "words"
    return frame


def alignment_rate(weights: torch.Tensor, src: torch.Tensor) -> float:
    """Share of word-emitting decoder steps whose attention argmax is the mirrored source position.

    weights (batch, steps, src_len), e.g. teacher-forced, src (batch, src_len).
    """
    target, valid = mirror_targets(src, weights.shape[1])
    hit = weights.argmax(-1) == target
    return hit[valid].double().mean().item()
