"""Each chapter's metrics file against its quality targets and against the reference run.

The targets (tests/targets/<stem>.txt) are Python expressions over the metric names, one per line.
The reference (tests/reference/<stem>.json) is the committed CPU run; a re-run elsewhere (a GPU, other
hardware) must land within REL_TOL relative or ABS_TOL absolute of it, metric by metric. On the
reference machine nbval already demands exact equality of the printed outputs.
"""
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
METRICS = ROOT / "notebooks" / "metrics"
REL_TOL, ABS_TOL = 0.10, 0.02
STEMS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


def load(stem):
    return json.loads((METRICS / f"{stem}.json").read_text())


def targets():
    for stem in STEMS:
        path = ROOT / "tests" / "targets" / f"{stem}.txt"
        lines = path.read_text().splitlines() if path.exists() else []
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                yield pytest.param(stem, line.strip(), id=f"{stem}: {line.strip()}")


@pytest.mark.parametrize("stem", STEMS)
def test_every_chapter_has_metrics_targets_and_a_reference(stem):
    metrics = load(stem)
    assert metrics and all(isinstance(v, (int, float)) and math.isfinite(v) for v in metrics.values())
    assert (ROOT / "tests" / "targets" / f"{stem}.txt").exists()
    assert set(json.loads((ROOT / "tests" / "reference" / f"{stem}.json").read_text())) == set(metrics)


@pytest.mark.parametrize("stem, expression", list(targets()))
def test_chapter_meets_its_quality_target(stem, expression):
    metrics = load(stem)
    assert eval(expression, {"__builtins__": {"abs": abs, "min": min, "max": max}}, dict(metrics)), \
        f"{expression} fails with " + ", ".join(f"{k}={v}" for k, v in metrics.items() if k in expression)


@pytest.mark.parametrize("stem", STEMS)
def test_metrics_are_close_to_the_reference_run(stem):
    metrics, reference = load(stem), json.loads((ROOT / "tests" / "reference" / f"{stem}.json").read_text())
    far = {k: (metrics[k], v) for k, v in reference.items()
           if not math.isclose(metrics[k], v, rel_tol=REL_TOL, abs_tol=ABS_TOL)}
    assert not far, f"metrics beyond {REL_TOL:.0%} / {ABS_TOL} of the reference run: {far}"
