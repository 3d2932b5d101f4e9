import json
import math

import pandas as pd
import pytest

from attn_helpers import results


def test_save_metrics_writes_a_sorted_flat_object_rounded_to_6_significant_digits(tmp_path):
    path = results.save_metrics("demo", {"b": 1 / 3, "a": 2}, tmp_path)
    assert path == tmp_path / "metrics" / "demo.json"
    assert list(json.loads(path.read_text()).items()) == [("a", 2), ("b", 0.333333)]
    assert results.load_metrics("demo", tmp_path) == {"a": 2, "b": 0.333333}


@pytest.mark.parametrize("value", [math.nan, math.inf, "1.0", True, None])
def test_save_metrics_rejects_values_that_are_not_finite_numbers(tmp_path, value):
    with pytest.raises(ValueError, match="metric 'x' must be a finite number"):
        results.save_metrics("demo", {"x": value}, tmp_path)


def test_metrics_table_is_sorted_and_the_runtime_is_kept_to_a_tenth_of_a_second(tmp_path):
    table = results.metrics_table({"z": 1.0, "a": 2.0})
    assert list(table.index) == ["a", "z"] and table["value"].tolist() == [2.0, 1.0]
    path = results.save_runtime("demo", 12.345, tmp_path)
    assert json.loads(path.read_text())["seconds"] == 12.3


def test_metrics_table_shows_the_six_digits_of_the_metrics_file(tmp_path):
    metrics = {"ratio": 1.0809705123, "near_a_boundary": 1.0809704987, "count": 1455618}
    table = results.metrics_table(metrics)
    stored = json.loads(results.save_metrics("demo", metrics, tmp_path).read_text())
    assert table["value"].to_dict() == stored == {"count": 1455618, "near_a_boundary": 1.08097, "ratio": 1.08097}


def test_long_metrics_table_is_not_truncated():
    metrics = {f"metric_{i:03d}": float(i) for i in range(150)}
    with pd.option_context("display.max_rows", 60):
        table = results.metrics_table(metrics)
        html, text = table._repr_html_(), repr(table)
    for name in metrics:
        assert f"<th>{name}</th>" in html and name in text
    assert "..." not in text


def test_short_table_leaves_the_display_limit_alone():
    with pd.option_context("display.max_rows", 60):
        results.metrics_table({"a": 1.0, "b": 2.0})
        assert pd.get_option("display.max_rows") == 60


@pytest.mark.parametrize("value, digits, stored", [
    (1.1683795551481253, 6, 1.16838),
    (1.1683795551481233, 6, 1.16838),  # the same number from another machine's BLAS: the same text
    (0.000123456789, 3, 0.000123),
    (12345.6789, 7, 12345.68),
    (7, 6, 7),
    (True, 6, 1),
])
def test_glue_stores_floats_at_reader_precision(monkeypatch, value, digits, stored):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: glued.update({name: v}))
    results.glue("x", value, digits=digits)
    assert glued["x"] == stored and type(glued["x"]) is type(stored)


def test_glue_rounds_numpy_and_torch_scalars_and_lists(monkeypatch):
    import numpy as np
    import torch

    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: glued.update({name: v}))
    results.glue("a", np.float64(2 / 3))
    results.glue("b", torch.tensor(2 / 3, dtype=torch.float64))
    results.glue("c", [1 / 3, 2], digits=2)
    results.glue("d", "text")
    assert glued == {"a": 0.666667, "b": 0.666667, "c": [0.33, 2], "d": "text"}


@pytest.mark.parametrize("digits", [0, 8, 2.5])
def test_glue_rejects_more_digits_than_a_machine_can_promise(digits):
    with pytest.raises(ValueError, match=r"digits must be an int in \[1, 7\]"):
        results.glue("x", 1.0, digits=digits)


def test_show_displays_the_source_as_a_python_code_block():
    shown = results.show(results.significant)
    assert repr(shown).startswith("def significant(x: float, digits: int = 6) -> float:")
    markdown = shown._repr_markdown_()
    assert markdown.startswith("````python\ndef significant(") and markdown.endswith("\n````")
