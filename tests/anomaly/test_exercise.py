"""The write-it-yourself exercise: the checker passes the package's forward, names what differs in wrong ones,
and the chapter's workshop copy keeps the checker, drops the solution, and fails the unwritten answer."""
import importlib.util
import json
from pathlib import Path

import pytest
import torch

from attn_helpers.anomaly import exercise
from attn_helpers.attention import AdditiveAttention

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "notebooks" / "03_sine_anomaly.ipynb"


def reference(self, query, keys, mask=None):
    return AdditiveAttention.forward(self, query, keys, mask)


def _projected(self, query, keys):
    projected = self.key_proj(keys)
    return projected if query is None else projected + self.query_proj(query)[:, None, :]


def no_tanh(self, query, keys, mask=None):
    weights = self.softmax(self.v(_projected(self, query, keys)).squeeze(-1), mask)
    return (weights[..., None] * keys).sum(1), weights


def softmax_over_the_batch(self, query, keys, mask=None):
    weights = torch.softmax(self.v(torch.tanh(_projected(self, query, keys))).squeeze(-1), dim=0)
    return (weights[..., None] * keys).sum(1), weights


def mask_ignored(self, query, keys, mask=None):
    weights = torch.softmax(self.v(torch.tanh(_projected(self, query, keys))).squeeze(-1), dim=-1)
    return (weights[..., None] * keys).sum(1), weights


def context_keeps_the_time_axis(self, query, keys, mask=None):
    context, weights = reference(self, query, keys, mask)
    return context[:, None, :], weights


def query_forgotten(self, query, keys, mask=None):
    weights = self.softmax(self.v(torch.tanh(self.key_proj(keys))).squeeze(-1), mask)
    return (weights[..., None] * keys).sum(1), weights


def context_ignores_the_weights(self, query, keys, mask=None):
    _, weights = reference(self, query, keys, mask)
    return keys.mean(dim=1), weights


def weights_only(self, query, keys, mask=None):
    return reference(self, query, keys, mask)[1]


def not_written(self, query, keys, mask=None):
    raise NotImplementedError("write the score, the softmax and the context")


def test_the_packages_own_forward_passes_every_case(capsys):
    assert all(problems == [] for problems in exercise.compare_additive_forward(reference).values())
    assert exercise.check_additive_forward(reference) is True
    assert "PASSED" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, case, says", [
    (no_tanh, "with a query", "weights differ from the package's"),
    (softmax_over_the_batch, "with a query", "do not sum to 1 over time"),
    (mask_ignored, "with a query and a mask", "masked steps get weight"),
    (context_keeps_the_time_axis, "without a query", "context has shape (3, 1, 4), expected (batch, key_dim)"),
    (query_forgotten, "with a query", "weights differ from the package's"),
    (context_ignores_the_weights, "without a query", "context differs from the package's"),
    (weights_only, "with a query", "expected a pair (context, weights)"),
    (not_written, "without a query", "raised NotImplementedError"),
])
def test_a_wrong_answer_fails_and_the_report_says_what_differs(capsys, wrong, case, says):
    report = exercise.compare_additive_forward(wrong)
    assert any(says in problem for problem in report[case]), report[case]
    assert exercise.check_additive_forward(wrong) is False
    assert "FAILED" in capsys.readouterr().out


def test_forgetting_the_query_passes_only_the_cases_without_one():
    report = exercise.compare_additive_forward(query_forgotten)
    assert report["without a query"] == [] and report["without a query, with a mask"] == []
    assert report["with a query"] and report["with a query and a mask"]


def test_the_checker_leaves_the_callers_random_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    exercise.compare_additive_forward(reference)
    torch.testing.assert_close(torch.rand(3), expected)


# --- the chapter's exercise cells, as the book runs them and as the workshop copy runs them ---------

def _workshop():
    spec = importlib.util.spec_from_file_location("workshop", ROOT / "tools" / "workshop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _exercise_cells(nb) -> list[str]:
    """The code cells from the student's function to the checker, in order."""
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    start = next(i for i, c in enumerate(code) if "def my_additive_forward" in _source(c))
    end = next(i for i, c in enumerate(code) if "check_additive_forward(" in _source(c))
    assert start < end, "the checker must come after the student's function"
    return code[start:end + 1]


def _run(cells, capsys) -> str:
    namespace = {"torch": torch, "exercise": exercise}  # what the chapter imported before these cells
    for cell in cells:
        exec(compile(_source(cell), "<exercise cell>", "exec"), namespace)
    return capsys.readouterr().out


def test_the_chapter_solution_passes_its_checker(capsys):
    nb = json.loads(CHAPTER.read_text())
    cells = _exercise_cells(nb)
    assert any("solution" in c.get("metadata", {}).get("tags", []) for c in cells)
    assert "PASSED" in _run(cells, capsys)


def test_the_workshop_copy_keeps_the_checker_drops_the_solution_and_fails_the_unwritten_answer(capsys):
    student = _workshop().student_copy(json.loads(CHAPTER.read_text()))
    cells = _exercise_cells(student)
    assert not any("solution" in c.get("metadata", {}).get("tags", []) for c in cells)
    out = _run(cells, capsys)  # runs to the end: the checker reports, it does not stop the notebook
    assert "FAILED: 4 of 4 cases differ" in out and "raised NotImplementedError" in out
