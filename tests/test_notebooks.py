"""Static rules every chapter notebook follows, so that each one runs on Colab, in a workshop and in CI.

For every notebook in notebooks/:
- the first code cell installs attn_helpers from exactly the repository URL of _config.yml, only when
  it is missing and without touching torch, and calls repro.setup before anything imports torch;
- the second code cell is tagged `parameters` and offers QUICK = False and RESULTS_DIR = ".";
- no cell tagged `nbval-ignore-output` prints or glues a metric (those outputs escape the exact check);
- the last code cell reports the run time, tagged `nbval-ignore-output` and `remove-input`, and its
  committed output is the "This chapter ran in N s" line;
- every figure in the committed outputs is stored as an image, not only as '<Figure size ...>' text;
- every widget shown in the committed outputs has its state stored, so it renders on the static page.
"""
import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY_URL = CONFIG["repository"]["url"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# what must not run in a cell whose output nbval ignores
METRIC_PRINTING = re.compile(r"save_metrics|metrics_table|history\.log|\.log\(\)|\bglue\(")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _code_cells(nb) -> list:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]


def _python(source: str) -> ast.Module:
    """Parse a cell with its IPython magics (%pip, !cmd) replaced by `pass`, indentation kept."""
    return ast.parse("\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", l) for l in source.splitlines()))


def _assignments(source: str) -> dict:
    values = {}
    for node in _python(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = node.value.value
    return values


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def nb(request):
    return json.loads(request.param.read_text())


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks in notebooks/"


def test_repository_url_is_set_once():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", REPOSITORY_URL), REPOSITORY_URL
    assert (ROOT / "_config.yml").read_text().count(REPOSITORY_URL) == 1


def test_first_cell_installs_from_the_repository_and_sets_up(nb):
    first = _source(_code_cells(nb)[0])
    installs = [l for l in first.splitlines() if re.search(r"\bpip\b.*\binstall\b", l)]
    assert installs, "the first code cell does not install attn_helpers (Colab has no copy)"
    for line in installs:
        urls = re.findall(r"git\+(https://[^\s\"'@#]+)", line)
        assert urls == [REPOSITORY_URL], f"installs from {urls}, not the repository URL of _config.yml {REPOSITORY_URL}"
        assert "requirements" not in line and not re.search(r"\btorch\b", line), f"the install touches torch: {line!r}"
        assert line.startswith((" ", "\t")), f"the install must be conditional (only when attn_helpers is missing): {line!r}"
    assert re.search(r"find_spec\(\s*[\"']attn_helpers[\"']\s*\)\s+is\s+None", first), \
        "the install is not guarded by importlib.util.find_spec('attn_helpers') is None"
    setup = re.search(r"repro\.setup\(", first)
    assert setup, "the first code cell does not call repro.setup"
    torch_import = re.search(r"^\s*(import torch|from torch)", first, re.M)
    assert torch_import is None or torch_import.start() > first.index("import repro"), \
        "torch is imported before attn_helpers.repro sets the CPU numeric environment"


def test_parameters_cell(nb):
    code = _code_cells(nb)
    tagged = [c for c in code if "parameters" in _tags(c)]
    assert len(tagged) == 1, "exactly one code cell must be tagged 'parameters' (papermill)"
    assert tagged[0] is code[1], "the parameters cell must be the second code cell"
    values = _assignments(_source(tagged[0]))
    assert values.get("QUICK") is False, "the parameters cell must set QUICK = False"
    assert values.get("RESULTS_DIR") == ".", "the parameters cell must set RESULTS_DIR = '.'"


def test_ignored_outputs_hold_no_metrics(nb):
    for i, cell in enumerate(_code_cells(nb)):
        if "nbval-ignore-output" in _tags(cell):
            found = METRIC_PRINTING.findall(_source(cell))
            assert not found, f"code cell {i} is tagged nbval-ignore-output but prints or glues metrics: {found}"


def test_last_cell_reports_the_run_time(nb):
    last = _code_cells(nb)[-1]
    assert "report_runtime(" in _source(last), "the last code cell must call results.report_runtime"
    assert {"nbval-ignore-output", "remove-input"} <= set(_tags(last)), \
        "the run-time cell must be tagged nbval-ignore-output and remove-input"
    text = "".join("".join(o.get("text", "")) for o in last.get("outputs", []) if o.get("output_type") == "stream")
    assert re.search(r"This chapter ran in \d+ s on ", text), "the committed run-time line is missing (run make execute)"


def test_figures_are_images(nb):
    """A Figure shown only as '<Figure size ...>' text means the inline backend was not active."""
    for i, cell in enumerate(_code_cells(nb)):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = "".join(data.get("text/plain", ""))
            if text.startswith("<Figure size") and not any(k.startswith("image/") for k in data):
                raise AssertionError(f"code cell {i} shows a figure as text only ({text!r}): no image is "
                                     "stored, so the page has no plot (was it executed with MPLBACKEND=Agg?)")


def test_widgets_have_stored_state(nb):
    views = [o["data"][WIDGET_VIEW]["model_id"] for c in _code_cells(nb) for o in c.get("outputs", [])
             if WIDGET_VIEW in o.get("data", {})]
    if not views:
        return
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing = [m for m in views if m not in state]
    assert not missing, (f"{len(missing)} widget(s) shown without stored state: the static page would show "
                         "nothing; execute with `make execute` (it stores widget state)")
