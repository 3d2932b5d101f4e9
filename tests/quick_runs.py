"""Run the workshop copy of every chapter (or those matching argv[1]) through papermill with QUICK=True.

The copies are the ones `make workshop` writes (solutions removed, outputs cleared), so this proves that
a student's notebook runs from top to bottom on the quick path. Copies, outputs and metrics go to
_build/quick/; the committed notebooks and metrics are untouched. The workshop promise
is under 60 s per chapter, wall-clock including kernel start-up; a run over PROMISE_S is reported, and
one over LIMIT_S (a clear regression even on a busy machine) fails.
"""
import sys
import time
from pathlib import Path

import papermill

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import workshop  # noqa: E402  (tools/workshop.py: the student copies)

PROMISE_S, LIMIT_S = 60, 90


def main(prefix: str = "") -> int:
    out_dir = ROOT / "_build" / "quick"
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    chapters = [nb for nb in workshop.chapter_notebooks() if nb.name.startswith(prefix)]
    copies = out_dir / "workshop"
    if workshop.main(["--out", str(copies), *map(str, chapters)]) != 0:
        return 1
    for nb in chapters:
        start = time.perf_counter()
        papermill.execute_notebook(str(copies / nb.name), str(out_dir / nb.name), cwd=str(copies),
                                   parameters={"QUICK": True, "RESULTS_DIR": str(out_dir)},
                                   kernel_name="python3", progress_bar=False)
        seconds = time.perf_counter() - start
        over = f" (over the {PROMISE_S} s promise)" if seconds > PROMISE_S else ""
        print(f"{nb.name}: quick run {seconds:.1f} s{over}")
        if seconds > LIMIT_S:
            failures.append(f"{nb.name} took {seconds:.0f} s > {LIMIT_S} s")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
