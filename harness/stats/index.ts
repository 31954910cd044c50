// Pure statistics for suite summaries and regression verdicts.
export * from './describe.ts';
export * from './bootstrap.ts';
export * from './direction.ts';
export * from './overhead.ts';
export * from './outliers.ts';
export * from './warnings.ts';
export * from './mann-whitney.ts';
export * from './holm.ts';
export * from './detectable-effect.ts';
export * from './verdict.ts';
export * from './normal.ts';
export * from './known-cost.ts';
export * from './student-t.ts';
export * from './order-statistic.ts';
export * from './steady-state.ts';
