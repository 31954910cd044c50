#!/usr/bin/env bash
# `npm run bench`: figures for planning at scale and per-run orchestration overhead.
# `npm run bench -- --quick`: every step once at small sizes, no figures judged; .ci/run runs it so a
# broken bench fails CI. Uses hyperfine and GNU time (Debian: hyperfine, time). Prints a summary at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# Bench steps run with --no-memory-reducer: a bench process mostly waits for the processes it measures,
# and V8's memory reducer then ran major collections in it (concurrent marking on 4 threads, ~130 ms of
# CPU in 6 s) beside the generator and server on the 2 vCPUs; bench/send-lag-causes.ts named it.
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "bench: unknown argument '$arg' (only --quick)" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
harness="node $PWD/bin/harness.js"
if [ "$quick" = 1 ]; then
  N=3; PLAN_RUNS=1000; export BENCH_SCALE_RUNS=300 BENCH_REMOTE_RUNS=2 BENCH_COPY_RUNS=1 BENCH_COPY_MIB=4 BENCH_COPY_FILES=20 BENCH_QUICK=1 BENCH_FIDELITY_SUITES=1 BENCH_FIDELITY_MAX_REPS=3 BENCH_AA_SUITES=2
  timing=(--warmup 0 --runs 1)
else
  N=${BENCH_RUNS:-40}; PLAN_RUNS=100000
  timing=(--warmup 1 --runs 3)
fi

echo "== plan a $PLAN_RUNS-run suite =="
node --no-memory-reducer --import tsx bench/make-big-suite.ts "$work/big" "$PLAN_RUNS"
$harness --root "$work/big" plan --suite big --count
hyperfine "${timing[@]}" --export-json "$work/plan.json" "$harness --root $work/big plan --suite big --count" >/dev/null
/usr/bin/time -f '%M' -o "$work/plan.mem" $harness --root "$work/big" plan --suite big --count >/dev/null
plan_s=$(node -e "console.log(require('$work/plan.json').results[0].mean.toFixed(3))")
plan_mb=$(awk '{printf "%.0f", $1/1024}' "$work/plan.mem")

echo "== $N trivial runs: harness run vs the same commands directly =="
node --no-memory-reducer --import tsx bench/orchestration-suite.ts "$work/orch" "$N"
chmod +x "$work/orch/direct.sh"
$harness --root "$work/orch" compile >/dev/null
hyperfine "${timing[@]}" --export-json "$work/orch.json" \
  -n harness "$harness --root $work/orch run --suite trivial --artifacts $work/orch/artifacts" \
  -n direct "$work/orch/direct.sh" >/dev/null
read -r harness_s direct_s < <(node -e "const r=require('$work/orch.json').results; console.log(r[0].mean.toFixed(3), r[1].mean.toFixed(3))")
# Fixed cost (Vitest start-up, planning) measured with a 1-run suite, then the per-run slope.
node --no-memory-reducer --import tsx bench/orchestration-suite.ts "$work/one" 1
$harness --root "$work/one" compile >/dev/null
hyperfine "${timing[@]}" --export-json "$work/one.json" "$harness --root $work/one run --suite trivial --artifacts $work/one/artifacts" >/dev/null
one_s=$(node -e "console.log(require('$work/one.json').results[0].mean.toFixed(3))")
# Where that fixed cost goes (CLI, Vitest start, worker and runs, reports).
node --no-memory-reducer --import tsx bench/orchestration-breakdown.ts "$work/one" "$([ "$quick" = 1 ] && echo 1 || echo 5)" | tee "$work/breakdown.txt"
per_run_ms=$(node -e "console.log((((${harness_s} - ${one_s}) - ${direct_s} * (${N} - 1) / ${N}) / (${N} - 1) * 1000).toFixed(1))")

echo "== ${BENCH_SCALE_RUNS:-10000}-run suite: summary, compare, ClickHouse ingest =="
node --no-memory-reducer --import tsx bench/scale.ts | tee "$work/scale.txt"
echo "== host precision: busy work, CPU accounting (targets the tests do not assert) =="
node --no-memory-reducer --import tsx bench/host-precision.ts
echo "== time series: what scraping costs the observer =="
node --no-memory-reducer --import tsx bench/scrape-cost.ts
if [ -e .testbed/ssh_config ]; then
  echo "== remote (testbed up) =="; node --no-memory-reducer --import tsx bench/remote.ts
  echo "== deploy to the generator node (testbed up) =="; node --no-memory-reducer --import tsx bench/deploy.ts
elif [ "${CI:-}" = true ]; then
  echo "bench: the remote step needs the testbed (npm run testbed:up); in CI it must run" >&2; exit 1
else
  echo "== remote: not run (the testbed is not up: npm run testbed:up) =="
fi
echo "== workloads vs redis-benchmark / redis-server / wrk =="; node --no-memory-reducer --import tsx bench/workloads.ts
# Each send later than 500 µs put down to what the generator's main thread did meanwhile (root: perf sched).
echo "== where the kv generator's late sends come from (--trace-sends beside perf sched) =="
node --no-memory-reducer --import tsx bench/send-lag-causes.ts
# Known-cost recovery, overhead resolution and A/A (BENCH_FIDELITY_SUITES, BENCH_AA_SUITES; minutes per suite).
echo "== precision: simulated coverage and false verdicts of the anytime-valid sequences (docs/precision.md) =="
node --no-memory-reducer --import tsx bench/precision.ts
echo "== fidelity: recovered injected cost, overhead interval half-width, A/A verdicts =="
node --no-memory-reducer --import tsx bench/fidelity.ts
# The catalog's precision suites: blocks each target needed, minutes, achieved widths, verdicts.
echo "== precision suites: precise-regression (kv-slow-get, A/A kv-same-get) and precise-overhead =="
node --no-memory-reducer --import tsx bench/precise-suites.ts

if [ "$quick" = 1 ]; then
  echo; echo "bench quick mode: every step ran once at small sizes; figures not judged (npm run bench for them)"
  exit 0
fi
cat <<SUMMARY

bench summary
  plan 100,000 runs (CLI, end to end):  ${plan_s} s, peak RSS ${plan_mb} MB   (target < 2 s, < 500 MB)
  ${N} trivial runs through harness run: ${harness_s} s; 1 run: ${one_s} s (fixed cost: Vitest start-up, planning)
  same commands run directly:           ${direct_s} s
  orchestration overhead per run:       ${per_run_ms} ms   (target < 50 ms)
$(sed 's/^/  /' "$work/breakdown.txt")
SUMMARY
