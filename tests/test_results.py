import json
import math

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


def test_metrics_table_and_runtime(tmp_path):
    table = results.metrics_table({"z": 1.0, "a": 2.0})
    assert list(table.index) == ["a", "z"] and table["value"].tolist() == [2.0, 1.0]
    path = results.save_runtime("demo", 12.345, tmp_path)
    assert json.loads(path.read_text())["seconds"] == 12.3
