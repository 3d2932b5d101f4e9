#!/usr/bin/env bash
# Everything `make test` runs, in order, with the time of each stage.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p _build
: > _build/test-times.txt
stage() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  "$@"
  echo "$name: $((SECONDS - start)) s" | tee -a _build/test-times.txt
}
stage "lint (ruff)" make --no-print-directory lint
stage "nbval (exact re-execution)" make --no-print-directory nbval
if git rev-parse --git-dir >/dev/null 2>&1; then
  stage "metrics files unchanged" git diff --exit-code --stat -- notebooks/metrics
fi
stage "unit tests and metrics targets" $BIN/python -m pytest -q tests -m "not browser"
stage "quick papermill runs" make --no-print-directory quick
stage "book build (warnings are errors)" make --no-print-directory book
stage "browser test" make --no-print-directory browser
cat _build/test-times.txt
