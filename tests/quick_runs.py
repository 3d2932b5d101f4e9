"""Run every chapter (or those matching argv[1]) through papermill with QUICK=True: the workshop path.

Outputs go to _build/quick/; the committed notebooks and metrics are untouched. The workshop promise
is under 60 s per chapter, wall-clock including kernel start-up; a run over PROMISE_S is reported, and
one over LIMIT_S (a clear regression even on a busy machine) fails.
"""
import sys
import time
from pathlib import Path

import papermill

ROOT = Path(__file__).resolve().parent.parent
PROMISE_S, LIMIT_S = 60, 90


def main(prefix: str = "") -> int:
    out_dir = ROOT / "_build" / "quick"
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    for nb in sorted((ROOT / "notebooks").glob(f"{prefix}*.ipynb")):
        if not nb.name[0].isdigit():
            continue
        start = time.perf_counter()
        papermill.execute_notebook(str(nb), str(out_dir / nb.name), cwd=str(ROOT / "notebooks"),
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
