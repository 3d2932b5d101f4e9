"""Chapter 4's figures: the architecture diagrams, training curves, exact match by sentence length,
and the sentence explorer (a reversed sentence and its attention map)."""
import html

import numpy as np
import torch
from matplotlib.patches import FancyBboxPatch

from ..plots import heatmap, history, new_figure
from .data import EOS, UNK, Vocabulary
from .model import Seq2Seq, greedy_decode_with_weights

DIAGRAMS = ("attention", "final state", "padded")


def _check_kind(kind: str) -> None:
    if kind not in DIAGRAMS:
        raise ValueError(f"kind must be one of {DIAGRAMS}, got {kind!r}")


def _box(ax, x, y, text, color="#dbe9f6", w=1.0, h=0.55, edge="#35608f", size=9):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc=color, ec=edge))
    ax.text(x, y, text, ha="center", va="center", fontsize=size)


def _arrow(ax, start, end, color="#333333", style="-|>", lw=1.0, ls="-"):
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle=style, color=color, lw=lw, ls=ls, shrinkA=0, shrinkB=0))


def architecture(kind: str = "attention"):
    """A diagram of one model reversing "the cat sat": ``kind`` is ``"attention"`` (Bahdanau),
    ``"final state"`` (the control without attention) or ``"padded"`` (attention, with the encoder
    reading the padding as the source documents did). Returns the Figure."""
    _check_kind(kind)
    source = ["the", "cat", "sat", "<eos>"] + (["<pad>", "<pad>"] if kind == "padded" else [])
    enc_x = np.arange(len(source)) * 1.25
    dec_x = enc_x[-1] + 2.3 + np.arange(4) * 1.6
    fig, ax = new_figure((1.05 * (dec_x[-1] + 1.2), 4.6))
    for i, (x, word) in enumerate(zip(enc_x, source)):
        pad = word == "<pad>"
        ax.text(x, 0, word, ha="center", va="center", fontsize=9, color="#b22222" if pad else "black")
        _arrow(ax, (x, 0.2), (x, 0.9))
        _box(ax, x, 1.2, "GRU\n→ ←", color="#f6dbdb" if pad else "#dbe9f6", size=8)
        if i:
            _arrow(ax, (enc_x[i - 1] + 0.5, 1.2), (x - 0.5, 1.2), style="<|-|>", lw=0.8)
        if not pad:
            ax.text(x, 1.75, f"$h_{i + 1}$", ha="center", va="bottom", fontsize=10)
    # the decoder: three word steps and the <eos> step, reading <sos> sat cat the
    inputs, outputs = ["<sos>", "sat", "cat", "the"], ["sat", "cat", "the", "<eos>"]
    for k, x in enumerate(dec_x):
        ax.text(x, 0, inputs[k], ha="center", va="center", fontsize=9)
        _arrow(ax, (x, 0.2), (x, 0.9))
        _box(ax, x, 1.2, "GRU cell", color="#e2f0d9", edge="#4d7a35", size=8)
        _arrow(ax, (x, 1.48), (x, 2.0))
        ax.text(x, 2.2, outputs[k], ha="center", va="center", fontsize=9, fontweight="bold")
        if k:
            _arrow(ax, (dec_x[k - 1] + 0.5, 1.2), (x - 0.5, 1.2))
            ax.text((dec_x[k - 1] + x) / 2, 1.3, f"$s_{k}$", ha="center", va="bottom", fontsize=9)
    final_from = enc_x[-1] + 0.5 if kind == "padded" else enc_x[3] + 0.5
    _arrow(ax, (final_from, 0.95), (dec_x[0] - 0.5, 1.05), color="#35608f")
    ax.text((final_from + dec_x[0]) / 2, 0.72, "$s_0$ = final state" + (" (after the padding)" if kind == "padded"
                                                                       else ""),
            ha="center", va="top", fontsize=8, color="#b22222" if kind == "padded" else "#35608f")
    if kind == "final state":
        top = 3.1
        ax.plot([final_from - 0.2, dec_x[-1] + 0.25], [top, top], color="#35608f", lw=1)
        _arrow(ax, (final_from - 0.2, 1.5), (final_from - 0.2, top), color="#35608f", style="-")
        for x in dec_x:
            _arrow(ax, (x + 0.25, top), (x + 0.25, 1.48), color="#35608f")
        ax.text(dec_x[1] + 0.8, top + 0.12, "the same context $c$ = final state at every step",
                ha="center", va="bottom", fontsize=8, color="#35608f")
        title = "GRU encoder-decoder without attention: the decoder sees only the final state"
    else:
        k = 2  # the attention of decoder step 3 (it writes "the"), queried with s_2
        att_x, att_y = (enc_x[3] + dec_x[1]) / 2 + 0.4, 3.3
        _box(ax, att_x, att_y, "additive attention\n$a_{3,j}$ = softmax$_j(e_{3,j})$", color="#fff2cc",
             edge="#b7950b", w=2.5, h=0.75, size=8)
        for x in enc_x[:4]:
            ax.plot([x, att_x - 0.7], [1.95, att_y - 0.38], color="#b7950b", lw=0.9)
        ax.text(enc_x[0] + 0.9, 2.55, "keys $h_j$ (real tokens only)", fontsize=8, color="#b7950b")
        query = ((dec_x[k - 1] + dec_x[k]) / 2, 1.55)
        _arrow(ax, query, (att_x + 0.7, att_y - 0.38), color="#b7950b")
        ax.text(query[0], 1.1, "(query)", fontsize=8, color="#b7950b", ha="center", va="top")
        _arrow(ax, (att_x + 1.25, att_y), (dec_x[k] - 0.3, 1.48), color="#b7950b")
        ax.text((att_x + 1.25 + dec_x[k] - 0.3) / 2 + 0.15, (att_y + 1.48) / 2 + 0.1, "context $c_3$", fontsize=8,
                color="#b7950b")
        title = ("Bahdanau attention, with the encoder reading the padding as the source documents did"
                 if kind == "padded" else "GRU encoder-decoder with Bahdanau (additive) attention")
    ax.text(enc_x.mean(), -0.55, "encoder (bidirectional GRU)", ha="center", fontsize=9, color="#35608f")
    ax.text(dec_x.mean(), -0.55, "decoder (one GRU cell step per output token)", ha="center", fontsize=9,
            color="#4d7a35")
    ax.set_xlim(enc_x[0] - 0.8, dec_x[-1] + 0.8)
    ax.set_ylim(-0.8, 4.0)
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def training_curves(hist, title: str, metric: str = "exact"):
    """Loss per epoch (left) and the greedy validation exact match per epoch (right); epoch 0 = untrained."""
    fig, (ax_loss, ax_exact) = new_figure((10, 3.3), 1, 2)
    history(hist, title=f"{title}: teacher-forced loss", ax=ax_loss)
    exact = [m[metric] for m in hist.val_metrics]
    ax_exact.plot(np.arange(len(exact)), exact, marker="o", color="C2")
    ax_exact.axvline(hist.best_epoch, color="grey", ls=":")
    ax_exact.set_ylim(-0.03, 1.03)
    ax_exact.set_xlabel("epoch (0 = before training)")
    ax_exact.set_ylabel("validation exact match (greedy)")
    ax_exact.set_title(f"{title}: greedy decoding")
    fig.tight_layout()
    return fig


def exact_match_by_length(tables: dict, train_max_len: int = 10, title: str = "exact match by sentence length"):
    """One line per model: ``tables`` maps a name to a frame from ``metrics.exact_match_by_length``
    (columns ``exact_match`` and optionally ``low``/``high`` for a band over seeds)."""
    fig, ax = new_figure((7, 3.4))
    for i, (name, table) in enumerate(tables.items()):
        ax.plot(table.index, table["exact_match"], marker="o", color=f"C{i}", label=name)
        if {"low", "high"} <= set(table.columns):
            ax.fill_between(table.index, table["low"], table["high"], color=f"C{i}", alpha=0.2, lw=0)
    longest = max(t.index.max() for t in tables.values())
    if longest > train_max_len:
        ax.axvspan(train_max_len + 0.5, longest + 0.5, color="grey", alpha=0.12,
                   label="longer than any training sentence")
    ax.set_xlabel("sentence length (words)")
    ax.set_ylabel("test exact match")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


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
        tokens, weights = greedy_decode_with_weights(model, src, max_steps=len(words) + 5)
        ids = tokens[0].tolist()
        steps = ids.index(EOS) + 1 if EOS in ids else len(ids)
        shown = [vocab.itos[i] for i in ids[:steps]]
        source = [vocab.itos[i] for i in src[0].tolist()]
        output = vocab.decode(ids)
        reference = [vocab.itos[i] for i in vocab.encode(words[::-1], eos=False)]
        fig = heatmap(weights[0, :steps].numpy(), x_labels=source, y_labels=shown,
                      title="attention of each decoder step", xlabel="encoder token", ylabel="decoder step")
        esc = lambda ws: html.escape(" ".join(ws))  # noqa: E731
        lines = [f"Input: {esc(words)}", f"Output: {esc(output)}", f"Reference: {esc(reference)}",
                 "<b>match</b>" if output == reference else "<b>no match</b>"]
        if unknown:
            lines.append(f"<b>Notice:</b> {html.escape(', '.join(unknown))} not in the vocabulary, "
                         f"read as {html.escape(vocab.itos[UNK])} (never a target in training, "
                         "so it cannot be copied).")
        if len(words) > train_max_len:
            lines.append(f"<b>Notice:</b> {len(words)} words is longer than any training sentence "
                         f"(at most {train_max_len}).")
        return fig, "<br>".join(lines)

    return draw
