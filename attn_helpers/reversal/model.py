"""GRU encoder-decoders for word reversal: with Bahdanau (additive) attention, and without attention.

Every model here has ``start(src) -> (state, memory)`` (run the encoder) and
``step(token, state, memory) -> (logits, state, weights or None)`` (one decoder step), so one
teacher-forcing loop and one greedy decoder serve them all.
"""

import torch
import torch.nn.functional as F
from torch import nn

from ..attention import AdditiveAttention
from .data import EOS, PAD, SOS


def _check_src(src: torch.Tensor) -> torch.Tensor:
    """The number of real tokens of each sentence; raises ValueError for an empty batch or sentence."""
    lengths = (src != PAD).sum(1).cpu()
    if len(src) == 0 or src.shape[1] == 0 or (lengths == 0).any():
        raise ValueError(f"src must hold >= 1 sentence, each with >= 1 token (at least its <eos>), "
                         f"got shape {tuple(src.shape)} with {int((lengths == 0).sum())} empty row(s)")
    return lengths


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
        lengths = _check_src(src)
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        outputs, final = self.gru(packed)  # final (2 directions, batch, hidden_dim // 2)
        keys, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True, total_length=src.shape[1])
        return keys, torch.cat([final[0], final[1]], dim=-1)


class PaddedEncoder(Encoder):
    """The same encoder with the padding handled as the source documents did: not at all.

    The GRU reads the padded batch as it is, so the forward direction runs on through the padding
    after ``<eos>`` and the backward direction starts in it: ``final`` and the backward half of every
    key depend on how much padding a sentence got. Shapes as :class:`Encoder`.
    """

    def forward(self, src: torch.Tensor):
        _check_src(src)
        keys, final = self.gru(self.embedding(src))  # the padding is read like any other token
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
        context, weights = self.attention(state, keys, mask)  # (batch, hidden), (batch, src_len)
        state = self.cell(torch.cat([self.embedding(token), context], dim=-1), state)
        logits = self.out(torch.cat([state, context], dim=-1))
        return logits, state, weights


class FinalStateDecoder(nn.Module):
    """One decoding step without attention: the context is the encoder's final state, at every step.

    token (batch,), state (batch, hidden), summary (batch, hidden) -> logits (batch, vocab), new state
    """

    def __init__(self, vocab_size: int, embed_dim: int, hidden_dim: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD)
        self.cell = nn.GRUCell(embed_dim + hidden_dim, hidden_dim)
        self.out = nn.Linear(2 * hidden_dim, vocab_size)

    def forward(self, token, state, summary):
        state = self.cell(torch.cat([self.embedding(token), summary], dim=-1), state)
        logits = self.out(torch.cat([state, summary], dim=-1))
        return logits, state


class EncoderDecoder(nn.Module):
    """Teacher forcing shared by the models: step k reads the reference token before the one it predicts.

    A subclass provides ``start(src) -> (state, memory)`` and ``step(token, state, memory) -> (logits, state,
    weights or None)``.
    """

    def decoder_inputs(self, tgt: torch.Tensor) -> torch.Tensor:
        """What the decoder reads at each step: the token *before* the one it predicts."""
        return tgt[:, :-1]

    def _teacher_forced(self, src: torch.Tensor, tgt: torch.Tensor):
        state, memory = self.start(src)
        logits, weights = [], []
        for token in self.decoder_inputs(tgt).unbind(1):
            step_logits, state, step_weights = self.step(token, state, memory)
            logits.append(step_logits)
            weights.append(step_weights)
        return torch.stack(logits, 1), weights

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        """src (batch, src_len), tgt (batch, tgt_len) -> logits (batch, tgt_len - 1, vocab) for ``tgt[:, 1:]``."""
        return self._teacher_forced(src, tgt)[0]


class Seq2Seq(EncoderDecoder):
    """Encoder + attentive decoder, run with teacher forcing (the decoder reads the reference).

    ``forward(src, tgt)`` -> logits (batch, tgt_len - 1, vocab) predicting ``tgt[:, 1:]``;
    ``forward_with_weights(src, tgt)`` -> (logits, weights (batch, tgt_len - 1, src_len)),
    with src (batch, src_len) and tgt (batch, tgt_len) = ``<sos> y1 .. yn <eos> <pad>..``.
    """

    encoder_class = Encoder

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden_dim: int = 128):
        super().__init__()
        self.encoder = self.encoder_class(vocab_size, embed_dim, hidden_dim)
        self.decoder = Decoder(vocab_size, embed_dim, hidden_dim)

    def start(self, src):
        keys, final = self.encoder(src)
        return final, (keys, src != PAD)  # the decoder starts from the final state, attends over the keys

    def step(self, token, state, memory):
        keys, mask = memory
        return self.decoder(token, state, keys, mask)

    def forward_with_weights(self, src: torch.Tensor, tgt: torch.Tensor):
        logits, weights = self._teacher_forced(src, tgt)
        return logits, torch.stack(weights, 1)


class Seq2SeqWithoutAttention(EncoderDecoder):
    """The control: the same encoder, and a decoder that sees only the encoder's final state.

    src (batch, src_len), tgt (batch, tgt_len) -> logits (batch, tgt_len - 1, vocab). No attention,
    so no ``forward_with_weights``.
    """

    def __init__(self, vocab_size: int, embed_dim: int = 64, hidden_dim: int = 128):
        super().__init__()
        self.encoder = Encoder(vocab_size, embed_dim, hidden_dim)
        self.decoder = FinalStateDecoder(vocab_size, embed_dim, hidden_dim)

    def start(self, src):
        _, final = self.encoder(src)  # the keys are dropped: the whole sentence must pass through `final`
        return final, final

    def step(self, token, state, summary):
        logits, state = self.decoder(token, state, summary)
        return logits, state, None


class PaddedSeq2Seq(Seq2Seq):
    """:class:`Seq2Seq` with the source documents' padding: its encoder reads the padding (:class:`PaddedEncoder`).

    Built from the same seed, it starts from exactly the same weights as :class:`Seq2Seq`.
    """

    encoder_class = PaddedEncoder


class MiswiredSeq2Seq(Seq2Seq):
    """A mis-wired teacher forcing: the decoder reads the very token it must predict."""

    def decoder_inputs(self, tgt: torch.Tensor) -> torch.Tensor:
        return tgt[:, 1:]


def sequence_loss(model: nn.Module, batch) -> torch.Tensor:
    """Teacher-forced cross-entropy per target token, padding ignored. batch = (src, tgt)."""
    src, tgt = batch
    logits = model(src, tgt)
    return F.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(), ignore_index=PAD)


def _check_max_steps(max_steps: int) -> None:
    if max_steps < 1:
        raise ValueError(f"max_steps must be >= 1, got {max_steps}")


@torch.no_grad()
def greedy_loop(model: nn.Module, src: torch.Tensor, max_steps: int | None = None):
    """The greedy decoding loop -> tokens (batch, steps) on the CPU, and the attention weights of each
    step (a list of (batch, src_len), or of None for a model without attention)."""
    max_steps = src.shape[1] + 5 if max_steps is None else max_steps
    _check_max_steps(max_steps)
    model.eval()
    src = src.to(next(model.parameters()).device)
    state, memory = model.start(src)
    token = torch.full((len(src),), SOS, dtype=torch.long, device=src.device)
    done = torch.zeros(len(src), dtype=torch.bool, device=src.device)
    tokens, weights = [], []
    for _ in range(max_steps):
        logits, state, step_weights = model.step(token, state, memory)  # its own state and token
        token = logits.argmax(-1)
        tokens.append(token.masked_fill(done, PAD))  # nothing after a sentence's first <eos>
        weights.append(step_weights)
        done = done | (token == EOS)
        if done.all():
            break
    return torch.stack(tokens, 1).cpu(), [w if w is None else w.cpu() for w in weights]


def greedy_decode(model: nn.Module, src: torch.Tensor, max_steps: int | None = None) -> torch.Tensor:
    """Decode without the reference: feed back the model's own state and most likely token.

    src (batch, src_len) -> tokens (batch, steps), each row ending with ``<eos>`` then ``<pad>``.
    Stops when every sentence has produced ``<eos>`` or after ``max_steps`` (default ``src_len + 5``).
    """
    return greedy_loop(model, src, max_steps)[0]


def greedy_decode_with_weights(model: nn.Module, src: torch.Tensor, max_steps: int | None = None):
    """:func:`greedy_decode` of a model with attention -> tokens (batch, steps), weights (batch, steps, src_len)."""
    tokens, weights = greedy_loop(model, src, max_steps)
    if weights[0] is None:
        raise ValueError(f"{type(model).__name__} has no attention weights; use greedy_decode")
    return tokens, torch.stack(weights, 1)


def length_groups(src: torch.Tensor) -> dict[int, torch.Tensor]:
    """Rows of ``src`` grouped by their number of real tokens: {tokens: row indices}, shortest first."""
    lengths = _check_src(src)
    return {int(n): torch.nonzero(lengths == n).flatten() for n in torch.unique(lengths)}


def greedy_decode_unpadded(model: nn.Module, src: torch.Tensor, max_steps: int | None = None) -> torch.Tensor:
    """:func:`greedy_decode` as if each sentence were decoded on its own, without any padding.

    Sentences of one length need no padding, so each group of equal length is decoded with the
    padding columns cut off. src (batch, src_len) -> tokens (batch, steps), padded with ``<pad>``.
    """
    max_steps = src.shape[1] + 5 if max_steps is None else max_steps  # the same limit for every group
    parts = {}
    for n, rows in length_groups(src).items():
        parts[n] = (rows, greedy_decode(model, src[rows, :n], max_steps))
    width = max(tokens.shape[1] for _, tokens in parts.values())
    out = torch.full((len(src), width), PAD, dtype=torch.long)
    for rows, tokens in parts.values():
        out[rows, :tokens.shape[1]] = tokens.cpu()
    return out


@torch.no_grad()
def unpadded_loss(model: nn.Module, src: torch.Tensor, tgt: torch.Tensor) -> float:
    """:func:`sequence_loss` per target token as if each sentence were run on its own, without padding.

    Each group of equal length is run with its padding columns cut off; the result is the mean over
    all target tokens. src (batch, src_len), tgt (batch, tgt_len).
    """
    model.eval()
    device = next(model.parameters()).device
    src, tgt = src.to(device), tgt.to(device)
    total, count = 0.0, 0
    for n, rows in length_groups(src).items():
        group_tgt = tgt[rows, :n + 1]  # <sos>, n - 1 words, <eos>
        tokens = int((group_tgt[:, 1:] != PAD).sum())
        total += float(sequence_loss(model, (src[rows, :n], group_tgt))) * tokens
        count += tokens
    return total / count


@torch.no_grad()
def shape_walkthrough(model: nn.Module, src: torch.Tensor, tgt: torch.Tensor) -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of each tensor of a teacher-forced pass: the encoder, decoder step 1, then all steps.

    For :class:`Seq2Seq` and its variants and for :class:`Seq2SeqWithoutAttention`.
    """
    model.eval()
    keys, final = model.encoder(src)
    token = tgt[:, 0]
    embedded = model.decoder.embedding(token)
    rows = [("src: word ids, <eos>, padding", src.shape), ("embedded source", model.encoder.embedding(src).shape),
            ("keys h_j (encoder outputs)", keys.shape), ("final state s_0", final.shape),
            ("decoder input y_0 = <sos>", token.shape), ("embedded y_0", embedded.shape)]
    if hasattr(model, "forward_with_weights"):
        captured = {}
        hook = model.decoder.attention.softmax.register_forward_hook(
            lambda module, args, out: captured.update(scores=args[0]))
        context, weights = model.decoder.attention(final, keys, src != PAD)
        hook.remove()
        rows += [("scores e_1j", captured["scores"].shape), ("weights a_1j", weights.shape),
                 ("context c_1 = sum_j a_1j h_j", context.shape)]
    else:
        context = final
        rows.append(("context c = s_0 (every step)", context.shape))
    gru_input = torch.cat([embedded, context], dim=-1)
    state = model.decoder.cell(gru_input, final)
    logits = model.decoder.out(torch.cat([state, context], dim=-1))
    rows += [("GRU input [E y_0; c_1]", gru_input.shape), ("state s_1", state.shape), ("logits of y_1", logits.shape),
             ("all steps: logits", model(src, tgt).shape)]
    if hasattr(model, "forward_with_weights"):
        rows.append(("all steps: weights", model.forward_with_weights(src, tgt)[1].shape))
    return [(name, tuple(shape)) for name, shape in rows]


def mirror_targets(src: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For each decoder step k that emits a word: the mirrored source position ``n - 1 - k``.

    src (batch, src_len) with n words and ``<eos>`` -> positions (batch, steps), valid (batch, steps)
    where ``valid`` is True on the n word steps.
    """
    n_words = (src != PAD).sum(1, keepdim=True) - 1
    k = torch.arange(steps, device=src.device)[None, :]
    valid = k < n_words
    return (n_words - 1 - k).clamp(min=0), valid
