#!/usr/bin/env bash
# The catalog's mutation example must be detected: `harness compare SUMMARY --mutation kv-slow-get
# --fail-on regression` exits 1 when the patched kv is reported as a regression, and that is the
# pass. Exit 0 from compare means detection broke (or the patch stopped slowing kv down): fail.
# Usage: check-mutation-detected.sh SUMMARY.json [REPORT.md]   (.ci/run calls it after the suite)
set -uo pipefail
summary=${1-} out=${2-}
if [ -z "$summary" ]; then
  echo "check-mutation-detected: usage: check-mutation-detected.sh SUMMARY.json [REPORT.md]" >&2
  exit 2
fi
args=(compare "$summary" --mutation kv-slow-get --fail-on regression)
[ -n "$out" ] && args+=(--out "$out")
npx harness "${args[@]}"
code=$?
case $code in
  1) echo "check-mutation-detected: kv-slow-get reported as a regression (compare exit 1), as it must be" ;;
  0) echo "check-mutation-detected: kv-slow-get was NOT reported as a regression: 'harness ${args[*]}' exited 0; the mutation example must be detected (check experiments/patches/kv-slow-get.patch still slows kv, and compare's verdicts)" >&2
     exit 1 ;;
  *) echo "check-mutation-detected: compare failed (exit $code), see above" >&2
     exit "$code" ;;
esac
