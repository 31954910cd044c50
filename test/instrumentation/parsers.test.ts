import { describe, expect, it } from 'vitest';
import { parsePerfStatCsv } from '../../harness/instrumentation/perf-stat-parser.ts';
import { parsePrometheusText } from '../../harness/instrumentation/prometheus-snapshot.ts';

describe('parsePerfStatCsv', () => {
  it('reads values, units, multiplexing and perf’s derived metric; keeps <not supported> as null', () => {
    const csv = `# started on Sat Nov 28 13:34:03 2026\n\n0.78,msec,cpu-clock,783494,100.00,0.004,CPUs utilized\n<not supported>,,cycles,0,100.00,,\n<not counted>,,instructions,0,0.00,,\n74,,page-faults,783494,100.00,94.681,K/sec\n`;
    expect(parsePerfStatCsv(csv)).toEqual([
      { event: 'cpu-clock', value: 0.78, unit: 'msec', supported: true, counted: true, enabled_pct: 100, metric: { value: 0.004, unit: 'CPUs utilized' } },
      { event: 'cycles', value: null, unit: '', supported: false, counted: false, enabled_pct: 100, metric: null },
      { event: 'instructions', value: null, unit: '', supported: true, counted: false, enabled_pct: 0, metric: null },
      { event: 'page-faults', value: 74, unit: '', supported: true, counted: true, enabled_pct: 100, metric: { value: 94.681, unit: 'K/sec' } },
    ]);
  });

  it('reads -I interval rows and -r variance', () => {
    expect(parsePerfStatCsv('     1.001,12.5,msec,task-clock,12500,100.00,0.012,CPUs utilized\n', { interval: true })[0]).toMatchObject({ interval_s: 1.001, event: 'task-clock', value: 12.5 });
    expect(parsePerfStatCsv('3.2,msec,task-clock,1.50%,3200,100.00,0.5,CPUs utilized\n')[0]).toMatchObject({ value: 3.2, variance_pct: 1.5, enabled_pct: 100 });
  });
});

describe('parsePrometheusText', () => {
  it('turns counters, gauges and histograms into JSON numbers', () => {
    const text = `# HELP a_total things\n# TYPE a_total counter\na_total{x="1"} 5\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_sum 4.5\nh_count 3\n`;
    expect(parsePrometheusText(text)).toEqual([
      { name: 'a_total', type: 'counter', help: 'things', samples: [{ labels: { x: '1' }, value: 5 }] },
      { name: 'h', type: 'histogram', help: '', samples: [{ labels: {}, value: null, buckets: { '1': 2, '+Inf': 3 }, count: 3, sum: 4.5 }] },
    ]);
  });
});
