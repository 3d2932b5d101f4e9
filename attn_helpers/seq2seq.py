"""GRU encoder-decoder with Bahdanau (additive) attention, trained with teacher forcing (Chapter 4)."""
import html

import torch
import torch.nn.functional as F
from torch import nn

from .attention import AdditiveAttention
from .plots import attention_heatmap, new_figure
from .reversal import EOS, PAD, SOS, UNK, Vocabulary


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


def mirror_targets(src: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For each decoder step k that emits a word: the mirrored source position ``n - 1 - k``.

    src (batch, src_len) with n words and ``<eos>`` -> positions (batch, steps), valid (batch, steps)
    where ``valid`` is True on the n word steps.
    """
    n_words = (src != PAD).sum(1, keepdim=True) - 1
    k = torch.arange(steps, device=src.device)[None, :]
    valid = k < n_words
    return (n_words - 1 - k).clamp(min=0), valid


def alignment_rate(weights: torch.Tensor, src: torch.Tensor) -> float:
    """Share of word-emitting decoder steps whose attention argmax is the mirrored source position.

    weights (batch, steps, src_len), e.g. teacher-forced, src (batch, src_len).
    """
    target, valid = mirror_targets(src, weights.shape[1])
    hit = weights.argmax(-1) == target
    return hit[valid].double().mean().item()


def explorer_draw(model: Seq2Seq, vocab: Vocabulary, max_words: int = 30, train_max_len: int = 10):
    """Explorer view: ``draw(sentence) -> (Figure, caption_html)`` with the greedy output and its attention."""

    def message(text: str, caption: str):
        fig, ax = new_figure((5, 1.2))
        ax.text(0.5, 0.5, text, ha="center", va="center")
        ax.set_axis_off()
        return fig, caption

    def draw(sentence: str):
        words = sentence.lower().split()
        if not words:
            return message("empty input", "<b>Empty input:</b> type a few words, e.g. <i>the cat sat on the mat</i>.")
        if len(words) > max_words:
            return message("input too long", f"<b>Too long:</b> {len(words)} words; type at most {max_words}.")
        unknown = vocab.unknown(words)
        src = torch.tensor([vocab.encode(words)])
        tokens, weights = greedy_decode(model, src, max_steps=len(words) + 5)
        ids = tokens[0].tolist()
        steps = ids.index(EOS) + 1 if EOS in ids else len(ids)
        shown = [vocab.itos[i] for i in ids[:steps]]
        source = [vocab.itos[i] for i in src[0].tolist()]
        output = vocab.decode(ids)
        reference = [vocab.itos[i] for i in vocab.encode(words[::-1], eos=False)]
        fig = attention_heatmap(weights[0, :steps].numpy(), x_labels=source, y_labels=shown,
                                title="attention of each decoder step", xlabel="encoder token",
                                ylabel="decoder step")
        esc = lambda ws: html.escape(" ".join(ws))  # noqa: E731
        lines = [f"Input: {esc(words)}", f"Output: {esc(output)}", f"Reference: {esc(reference)}",
                 "<b>match</b>" if output == reference else "<b>no match</b>"]
        if unknown:
            lines.append(f"<b>Notice:</b> {html.escape(', '.join(unknown))} not in the vocabulary, "
                         f"read as {html.escape(vocab.itos[UNK])} (never a target in training, so it cannot be copied).")
        if len(words) > train_max_len:
            lines.append(f"<b>Notice:</b> {len(words)} words is longer than any training sentence "
                         f"(at most {train_max_len}).")
        return fig, "<br>".join(lines)

    return draw
