"""Chapter 5's figures: attention maps of a generator's test window, per layer and head."""
import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from . import metrics as am


def draw_attention(runs: dict, generator: str, layer: int = 0, head: int = 0, window: int = 0) -> tuple[Figure, str]:
    """The explorer's view: the input window, the attention map of (layer, head) that the trained model
    used on it, and that map's lag profile against the uniform 1/T. -> (Figure, caption_html)."""
    if generator not in runs:
        raise ValueError(f"generator must be one of {sorted(runs)}, got {generator!r}")
    run = runs[generator]
    x = run.data.scaled("test")[0]
    n_layers, n_heads = len(run.model.layers), run.model.layers[0].self_attn.num_heads
    for name, value, high in (("layer", layer, n_layers), ("head", head, n_heads), ("window", window, len(x))):
        if not 0 <= value < high:
            raise ValueError(f"{name} must be in [0, {high - 1}], got {value}")
    with torch.no_grad():
        run.model.eval()
        weights = run.model.forward_with_attention(x[window:window + 1])[1][0, layer, head].numpy()
    t = weights.shape[-1]
    offsets, profile = am.lag_profile(weights)
    fig = plt.figure(figsize=(10, 4.4))
    grid = fig.add_gridspec(2, 2, width_ratios=(1.1, 1), height_ratios=(1, 4))
    ax_series, ax_map, ax_lag = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    ax_series.plot(x[window].numpy(), lw=0.8, color="black")
    ax_series.set_xlim(-0.5, t - 0.5)
    ax_series.set_xticks([])
    ax_series.set_ylabel("input", fontsize=8)
    ax_series.set_title(f"{generator}, layer {layer}, head {head}, test window {window}", fontsize=9)
    image = ax_map.imshow(weights, cmap="viridis", aspect="auto", vmin=0, interpolation="nearest")
    fig.colorbar(image, ax=ax_map, fraction=0.046, label="weight")
    ax_map.set_xlabel("key (input step)")
    ax_map.set_ylabel("query (input step)")
    ax_lag.plot(offsets, profile * t, lw=1)
    ax_lag.axhline(1.0, color="grey", ls=":", label="uniform (1/T)")
    period = run.generator.seasonal_period
    if period is not None:
        for p in (-period, period):
            ax_lag.axvline(p, color="tab:red", lw=0.8, ls="--", label="seasonal period" if p > 0 else None)
    ax_lag.set_xlabel("offset query - key (steps)")
    ax_lag.set_ylabel("mean weight x T (1 = uniform)")
    ax_lag.set_title("lag profile", fontsize=9)
    ax_lag.legend(fontsize=8)
    fig.tight_layout()
    caption = (f"<b>{generator}</b>, layer {layer}, head {head}, test window {window}: normalised entropy "
               f"{am.row_entropy(weights):.3f} (1 = uniform), Gini {am.gini(weights):.3f}, largest weight "
               f"{weights.max() * t:.1f} x uniform, local strength {am.local_strength(weights):.2f}.")
    return fig, caption
