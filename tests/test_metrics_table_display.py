"""The metrics table shows every metric on the page, however many there are (Chapter 5 has ~90)."""
import pandas as pd

from attn_helpers import results


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
