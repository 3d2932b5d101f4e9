"""GRU encoder-decoder with Bahdanau (additive) attention, trained with teacher forcing (Chapter 4)."""

import torch
import torch.nn.functional as F
from torch import nn

from ..attention import AdditiveAttention
from .data import EOS, PAD, SOS


class Encoder(nn.Module):
    """Embedding + bidirectional GRU (``hidden_dim // 2`` per direction), padding packed away.

    src (batch, src_len) -> keys (batch, src_len, hidden_dim), final (batch, hidden_dim).
    Key j joins the forward state after word j and the backward state after word j (read from the
    end). ``final`` joins the forward state at each sentence's own ``<eos>`` and the backward state
    at its first word; padding never enters either.
    """

    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        if hidden_dim < 2 or hidden_dim % 2:
            raise ValueError(f"hidden_dim must be an even number >= 2 (split over two directions), got {hidden_dim}")
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.gru = nn.GRU(embed_dim, hidden_dim // 2, batch_first=True, bidirectional=True)

    def forward(self, src: torch.Tensor):
        lengths = (src != PAD).sum(1).cpu()
        if len(src) == 0 or src.shape[1] == 0 or (lengths == 0).any():
            raise ValueError(f"src must hold >= 1 sentence, each with >= 1 token (at least its <eos>), "
                             f"got shape {tuple(src.shape)} with {int((lengths == 0).sum())} empty row(s)")
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        outputs, final = self.gru(packed)  # final (2 directions, batch, hidden_dim // 2)
        keys, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=src.shape[1])
        return keys, torch.cat([final[0], final[1]], dim=-1)


class Decoder(nn.Module):
    """One decoding step: attend with the previous state, update a GRU cell, predict the next token.

    token (batch,), state (batch, hidden), keys (batch, src_len, hidden), mask (batch, src_len)
    -> logits (batch, vocab), new state (batch, hidden), attention weights (batch, src_len)
    """

    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.attention = AdditiveAttention(hidden_dim, hidden_dim, hidden_dim)
        self.cell = nn.GRUCell(embed_dim + hidden_dim, hidden_dim)
        self.out = nn.Linear(2 * hidden_dim, vocab_size)

    def forward(self, token, state, keys, mask):
        context, weights = self.attention(state, keys, mask)
        state = self.cell(torch.cat([self.embedding(token), context], dim=-1), state)
        logits = self.out(torch.cat([state, context], dim=-1))
        return logits, state, weights


class Seq2Seq(nn.Module):
    """Encoder + attentive decoder. ``forward`` is teacher forcing: the decoder reads the reference.

    src (batch, src_len), tgt (batch, tgt_len) = ``<sos> y1 .. yn <eos> <pad>..``
    -> logits (batch, tgt_len - 1, vocab) predicting ``tgt[:, 1:]``, weights (batch, tgt_len - 1, src_len)
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden_dim: int = 128):
        super().__init__()
        self.encoder = Encoder(vocab_size, embed_dim, hidden_dim)
        self.decoder = Decoder(vocab_size, embed_dim, hidden_dim)

    def decoder_inputs(self, tgt: torch.Tensor) -> torch.Tensor:
        """What the decoder reads at each step: the token *before* the one it predicts."""
        return tgt[:, :-1]

    def forward(self, src: torch.Tensor, tgt: torch.Tensor):
        keys, state = self.encoder(src)
        mask = src != PAD
        logits, weights = [], []
        for token in self.decoder_inputs(tgt).unbind(1):
            step_logits, state, step_weights = self.decoder(token, state, keys, mask)
            logits.append(step_logits)
            weights.append(step_weights)
        return torch.stack(logits, 1), torch.stack(weights, 1)


class MiswiredSeq2Seq(Seq2Seq):
    """The teaching box's bug: teacher forcing feeds the decoder the very token it must predict."""

    def decoder_inputs(self, tgt: torch.Tensor) -> torch.Tensor:
        return tgt[:, 1:]


class UniformAttention(nn.Module):
    """Erasure test: weight 1/T on each of the T real source steps, whatever the query."""

    def forward(self, query, keys, mask):
        weights = mask.float() / mask.sum(1, keepdim=True)
        return torch.bmm(weights[:, None, :], keys).squeeze(1), weights


def sequence_loss(model: Seq2Seq, batch) -> torch.Tensor:
    """Teacher-forced cross-entropy per target token, padding ignored. batch = (src, tgt)."""
    src, tgt = batch
    logits, _ = model(src, tgt)
    return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=PAD)


@torch.no_grad()
def greedy_decode(model: Seq2Seq, src: torch.Tensor, max_steps: int | None = None):
    """Decode without the reference: feed back the model's own state and most likely token.

    src (batch, src_len) -> tokens (batch, steps) ending with ``<eos>`` then ``<pad>``,
    weights (batch, steps, src_len). Stops when every sentence has produced ``<eos>``
    or after ``max_steps`` (default ``src_len + 5``).
    """
    max_steps = src.shape[1] + 5 if max_steps is None else max_steps
    if max_steps < 1:
        raise ValueError(f"max_steps must be >= 1, got {max_steps}")
    model.eval()
    keys, state = model.encoder(src)
    mask = src != PAD
    token = torch.full((len(src),), SOS, dtype=torch.long, device=src.device)
    done = torch.zeros(len(src), dtype=torch.bool, device=src.device)
    tokens, weights = [], []
    for _ in range(max_steps):
        logits, state, step_weights = model.decoder(token, state, keys, mask)
        token = logits.argmax(-1)
        tokens.append(token.masked_fill(done, PAD))
        weights.append(step_weights)
        done = done | (token == EOS)
        if done.all():
            break
    return torch.stack(tokens, 1), torch.stack(weights, 1)


def mirror_targets(src: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For each decoder step k that emits a word: the mirrored source position ``n - 1 - k``.

    src (batch, src_len) with n words and ``<eos>`` -> positions (batch, steps), valid (batch, steps)
    where ``valid`` is True on the n word steps.
    """
    n_words = (src != PAD).sum(1, keepdim=True) - 1
    k = torch.arange(steps, device=src.device)[None, :]
    valid = k < n_words
    return (n_words - 1 - k).clamp(min=0), valid
