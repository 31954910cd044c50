// Tableau 10 without its grey, which is kept for the baseline.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const BASELINE_COLOR = '#8c8c8c';

/** Mode order for every chart and legend: baseline first, then by name. */
export function sortModes(modes: Iterable<string>): string[] {
  return [...new Set(modes)].sort((a, b) => (a === 'baseline' ? -1 : b === 'baseline' ? 1 : a.localeCompare(b)));
}

// One color per mode for the whole report, so a mode looks the same in every chart.
export function assignModeColors(modes: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  let next = 0;
  for (const mode of sortModes(modes)) colors.set(mode, mode === 'baseline' ? BASELINE_COLOR : PALETTE[next++ % PALETTE.length]!);
  return colors;
}
