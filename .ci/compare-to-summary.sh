#!/usr/bin/env bash
# testbed.yml's regression comparison: the Markdown always reaches the job summary
# ($GITHUB_STEP_SUMMARY), and compare's exit code (1 = regression) still fails the step.
# Usage: compare-to-summary.sh BASE.json CANDIDATE.json REPORT.md
set -uo pipefail
base=${1-} candidate=${2-} out=${3-}
if [ -z "$base" ] || [ -z "$candidate" ] || [ -z "$out" ]; then
  echo "compare-to-summary: usage: compare-to-summary.sh BASE.json CANDIDATE.json REPORT.md" >&2
  exit 2
fi
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
rm -f "$out"
npx harness compare "$base" "$candidate" --fail-on regression --out "$out"
code=$?
if [ -s "$out" ]; then
  cat "$out" >>"$summary"
else
  echo "Comparison with the baseline wrote no report (compare exit $code): see the step log." >>"$summary"
fi
exit "$code"
