import importlib.util
import json
from pathlib import Path

import pytest
import torch

from attn_helpers.reversal import exercises

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "notebooks" / "04_bahdanau_reversal.ipynb"


def right(state, keys, mask, W_q, W_k, b, v):
    scores = torch.tanh(keys @ W_k.T + b + (state @ W_q.T)[:, None, :]) @ v
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def no_mask(state, keys, mask, W_q, W_k, b, v):
    weights = torch.softmax(torch.tanh(keys @ W_k.T + b + (state @ W_q.T)[:, None, :]) @ v, dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def softmax_over_the_batch(state, keys, mask, W_q, W_k, b, v):
    scores = torch.tanh(keys @ W_k.T + b + (state @ W_q.T)[:, None, :]) @ v
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=0).nan_to_num()
    return (weights[:, :, None] * keys).sum(1), weights


def no_tanh(state, keys, mask, W_q, W_k, b, v):
    scores = (keys @ W_k.T + b + (state @ W_q.T)[:, None, :]) @ v
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def plain_mean_context(state, keys, mask, W_q, W_k, b, v):
    _, weights = right(state, keys, mask, W_q, W_k, b, v)
    return keys.mean(1), weights


def transposed_weights(state, keys, mask, W_q, W_k, b, v):
    context, weights = right(state, keys, mask, W_q, W_k, b, v)
    return context, weights.T


def everything_masked(state, keys, mask, W_q, W_k, b, v):
    scores = torch.full(mask.shape, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def weights_only(state, keys, mask, W_q, W_k, b, v):
    return right(state, keys, mask, W_q, W_k, b, v)[1]


def stub(state, keys, mask, W_q, W_k, b, v):
    raise NotImplementedError("write the attention step here")


def test_the_right_answer_passes():
    report = exercises.check_attention_step(right)
    assert report.passed and "agree" in str(report) and str(report).startswith("PASSED")


@pytest.mark.parametrize("answer, says", [
    (stub, "not written yet"),
    (no_mask, "padding gets weight"),
    (softmax_over_the_batch, "sum to"),
    (no_tanh, "weights differ"),
    (plain_mean_context, "weights are right but the context differs"),
    (transposed_weights, "weights have shape"),
    (everything_masked, "NaN or inf"),
    (weights_only, "tuple of two tensors"),
])
def test_a_wrong_answer_fails_and_says_what_differs(answer, says):
    report = exercises.check_attention_step(answer)
    assert not report.passed
    assert says in str(report) and str(report).startswith("NOT YET")
    assert "Not yet" in report._repr_markdown_()


def test_an_error_in_the_answer_is_reported_not_raised():
    report = exercises.check_attention_step(lambda **kw: kw["keys"] @ kw["W_q"])
    assert not report.passed and "raised RuntimeError" in str(report)


def test_random_cases_have_padding_and_the_package_weights():
    inputs, module = exercises.random_case(0)
    assert inputs["mask"][0].all() and not inputs["mask"][1:].all()
    assert torch.equal(inputs["W_k"], module.key_proj.weight) and inputs["v"].shape == (5,)


def _student_cells():
    spec = importlib.util.spec_from_file_location("workshop", ROOT / "tools" / "workshop.py")
    workshop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workshop)
    cells = workshop.student_copy(json.loads(CHAPTER.read_text()))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
            if c["cell_type"] == "code"]


def test_the_workshop_copy_keeps_the_stub_and_the_checker_and_its_checker_fails_on_the_stub():
    code = _student_cells()
    stub_cells = [c for c in code if "def attention_step(" in c]
    checker_cells = [c for c in code if "check_attention_step(attention_step)" in c]
    assert len(stub_cells) == 1 and "NotImplementedError" in stub_cells[0], "the solution must not be in the copy"
    assert len(checker_cells) == 1
    namespace = {"torch": torch, "exercises": exercises}
    exec(stub_cells[0], namespace)
    exec(checker_cells[0], namespace)
    assert not namespace["report"].passed and "not written yet" in str(namespace["report"])
