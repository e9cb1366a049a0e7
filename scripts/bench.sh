#!/usr/bin/env bash
# The benchmarks (never part of the test suite): prints a report to paste into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
for bench in tests/benchmarks/bench_*.py; do
  .venv/bin/python "$bench" "$@"
done
