import functools

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from attn_helpers.distributions import data as dd
from attn_helpers.distributions import plots as dp
from attn_helpers.distributions import study as st
from attn_helpers.widgets import Explorer


@pytest.fixture(scope="module")
def runs():
    out = {}
    for gen in (dd.RandomWalk(), dd.SeasonalAR(period=6)):
        task = dd.make_task(gen, 500, 0, window=16, horizon=4, strides=(3, 1, 1))
        out[gen.name] = st.train_run(task, "main", seed=0, epochs=1)
    return out


def test_static_figures_are_figures_with_one_panel_per_item():
    assert isinstance(dp.architectures(), Figure)
    series = {f"s{i}": np.arange(50.0) for i in range(4)}
    assert len([ax for ax in dp.series_grid(series).axes if ax.axison]) == 4
    maps = {"a": np.full((5, 10), 0.1), "b": np.eye(10)}
    fig = dp.map_grid(maps, "two maps", cols=2)
    assert "max 10.0 x 1/T" in fig.axes[1].get_title()
    fig = dp.lag_profiles({"flat": np.full(19, 0.1)}, np.arange(-9, 10), 10, "profile", marks=(3,))
    assert fig.axes[0].get_lines()[0].get_ydata()[0] == pytest.approx(1.0)
    table = pd.DataFrame({"trained": [0.9, 0.8], "trained_sd": [0.01, 0.02], "untrained": [0.95, 0.9],
                          "shuffled": [0.94, 0.9]}, index=["x", "y"])
    assert len(dp.control_bars(table, "entropy", reference=1.0).axes[0].patches) == 6


def test_explorer_redraws_when_a_control_changes(runs):
    controls = dict(task=widgets.Dropdown(options=list(runs)), layer=widgets.Dropdown(options=[0, 1]),
                    head=widgets.Dropdown(options=[0, 1]), window=widgets.IntSlider(0, 0, 10),
                    trained=widgets.Checkbox(value=True))
    explorer = Explorer(functools.partial(dp.draw_attention, runs), **controls)
    image, caption = explorer.image.value, explorer.caption.value
    assert "RandomWalk" in caption and "head 0" in caption and "(trained)" in caption
    controls["head"].value = 1
    assert explorer.image.value != image and "head 1" in explorer.caption.value
    controls["trained"].value = False
    assert "(untrained)" in explorer.caption.value
    controls["task"].value = "SeasonalAR"
    assert "SeasonalAR" in explorer.caption.value


@pytest.mark.parametrize("kwargs, message", [(dict(task="Nope"), "task must be one of"),
                                             (dict(task="RandomWalk", layer=2), "layer must be in"),
                                             (dict(task="RandomWalk", head=4), "head must be in"),
                                             (dict(task="RandomWalk", window=10_000), "window must be in")])
def test_explorer_view_rejects_what_does_not_exist(runs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        dp.draw_attention(runs, **kwargs)
