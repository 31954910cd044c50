// `npm run bench` step: the simulations behind docs/precision.md at bench size (test/stats/
// precision-simulation.test.ts checks them at 10,000 sequences). Noise shaped like identical kv
// runs at 6,000 req/s on the reference machine: 1.8 % spread, 10 % of runs 25–45 % high. Prints:
//   - time-uniform coverage of the 95 % robust confidence sequence (truth inside at every block);
//   - median achieved half-width of the CPU-per-request overhead after 10, 20, … blocks;
//   - the PrecisionController stopping after every block: verdicts, false verdicts, blocks used;
//   - the intervals printed before issue 27 (percentile bootstrap over 5 blocks, t interval) and
//     a t interval re-checked after every block (what optional stopping does to a fixed-n method).
// Usage: node --import tsx bench/precision.ts [--quick]   (BENCH_PRECISION_SEQUENCES=100000)
import {
  MEASURED_NOISE,
  NORMAL_NOISE,
  simulateCoverage,
  simulateFixedIntervals,
  simulatePeekingT,
  simulateStopArms,
  simulateStopRule,
  type StopRuleFigures,
} from '../harness/stats/precision-simulation.ts';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const sequences = Number(process.env.BENCH_PRECISION_SEQUENCES ?? (quick ? 2_000 : 100_000));
const blocks = quick ? 40 : 100;
const stopSequences = Math.max(1, Math.floor(sequences / (quick ? 2 : 5)));
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const started = Date.now();

console.log(`precision: ${sequences} sequences (stop rule: ${stopSequences}), noise 1.8 % spread + 10 % outlier runs 25-45 % high`);
const scenarios = [['outliers, true overhead 0 %', MEASURED_NOISE, 0, 11], ['outliers, true overhead 3 %', MEASURED_NOISE, 3, 12], ['normal noise only, 0 %', NORMAL_NOISE, 0, 13]] as const;
for (const [label, noise, truePercent, seed] of scenarios) {
  const r = simulateCoverage({ sequences, blocks, truePercent, noise, seed });
  console.log(`  coverage at every one of ${blocks} blocks (${label}): ${pct(r.coverage)}   (nominal 95 %)`);
}
const widths = simulateCoverage({ sequences: Math.min(sequences, 5_000), blocks, truePercent: 0, noise: MEASURED_NOISE, seed: 14, widths: true });
console.log(`  median half-width of the overhead (pp) after N blocks: ${Object.entries(widths.medianHalfWidth).map(([n, w]) => `${n}: ${w.toFixed(2)}`).join(', ')}`);

const show = (label: string, r: StopRuleFigures): void => {
  const verdicts = Object.entries(r.verdicts).map(([v, n]) => `${v} ${n}`).join(', ');
  console.log(`  ${label}: false verdicts ${pct(r.falseRate)} (alpha 5 %), covered at stop ${pct(r.coverageAtStop)}, blocks mean ${r.meanBlocks.toFixed(1)} max ${r.maxBlocksUsed}; ${verdicts}`);
};
const stop = { sequences: stopSequences, minRepetitions: 3, maxRepetitions: quick ? 30 : 60, noise: MEASURED_NOISE };
console.log(`stop rule: decide after every block, stop at the first decided verdict, the width target, or ${stop.maxRepetitions} blocks`);
show('overhead, truth = margin 2 %   ', simulateStopRule({ ...stop, truePercent: 2, margin: 2, question: 'cost', halfWidth: 0.5, seed: 21 }));
show('overhead, truth 0 %, margin 2 %', simulateStopRule({ ...stop, truePercent: 0, margin: 2, question: 'cost', halfWidth: 2, seed: 22 }));
show('A/A compare, margin ±5 %       ', simulateStopRule({ ...stop, truePercent: 0, margin: 5, question: 'change', halfWidth: 0.5, seed: 23 }));
show('compare, truth +5 %, margin ±5 %', simulateStopRule({ ...stop, truePercent: 5, margin: 5, question: 'change', halfWidth: 0.5, seed: 24 }));
show('compare, truth +10 %, margin ±5 %', simulateStopRule({ ...stop, truePercent: 10, margin: 5, question: 'change', halfWidth: 0.5, seed: 25 }));

// The fidelity suite's shape (D = 5, 20, 50 µs on 36 µs, ±10 %): the same blocks with every level
// measured until the stop (together) and with settled levels left out (stop_arms: each).
const armSequences = Math.max(1, Math.floor(sequences / (quick ? 20 : 50)));
console.log(`stop_arms (fidelity shape, ${armSequences} sequences, ≤ 200 blocks): coverage and estimate within ±10 % of D at each level's own stop`);
for (const stopArms of ['together', 'each'] as const) {
  const r = simulateStopArms({ sequences: armSequences, reference: 36, differences: [5, 20, 50], halfWidth: 10, maxRepetitions: 200, noise: MEASURED_NOISE, seed: 26, stopArms });
  const per = Object.keys(r.coverage).map((d) => `D=${d}: covers ${pct(r.coverage[d]!)}, within ${pct(r.within[d]!)}`).join('; ');
  console.log(`  ${stopArms.padEnd(8)}: runs mean ${r.meanRuns.toFixed(1)}, blocks mean ${r.meanBlocks.toFixed(1)}; ${per}`);
}

console.log('before issue 27 (fixed 5 blocks):');
const fixedSequences = Math.min(sequences, quick ? 2_000 : 20_000);
for (const [label, noise] of [['normal noise', NORMAL_NOISE], ['with outliers', MEASURED_NOISE]] as const) {
  const r = simulateFixedIntervals({ sequences: fixedSequences, blocks: 5, truePercent: 0, noise, seed: 31 });
  console.log(`  ${label}: percentile bootstrap "95 %" covers ${pct(r.bootstrap)}, t interval ${pct(r.t)}`);
}
const peek = simulatePeekingT({ sequences: stopSequences, truePercent: 2, margin: 2, maxRepetitions: stop.maxRepetitions, noise: MEASURED_NOISE, seed: 32 });
console.log(`  t interval re-checked after every block (truth = margin 2 %): false verdicts ${pct(peek)} (alpha 5 %)`);
console.log(`precision: ${((Date.now() - started) / 1000).toFixed(1)} s`);
