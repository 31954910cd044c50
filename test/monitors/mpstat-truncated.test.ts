import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseMpstatJson } from '../../harness/monitors/mpstat-parser.ts';

// Real mpstat, killed the way a run's teardown can leave it: its JSON document unfinished.
async function mpstatKilledAfter(ms: number): Promise<string> {
  const p = execa('mpstat', ['-o', 'JSON', '-P', 'ALL', '1'], { env: { LC_ALL: 'C' }, reject: false, timeout: ms, killSignal: 'SIGKILL' });
  return (await p).stdout;
}

describe('mpstat JSON cut short', () => {
  it('a short run (killed before the first sample) yields no samples and no parse error', async () => {
    const text = await mpstatKilledAfter(300);
    expect(() => JSON.parse(text.slice(text.indexOf('{')))).toThrow(); // really unfinished
    expect(parseMpstatJson(text)).toEqual({ interval_samples: 0, cpus: [], samples: [] });
  });

  it('keeps every complete sample of a document cut mid-way', async () => {
    const text = await mpstatKilledAfter(2500);
    expect(() => JSON.parse(text.slice(text.indexOf('{')))).toThrow();
    const summary = parseMpstatJson(text);
    expect(summary.interval_samples).toBeGreaterThanOrEqual(1);
    expect(summary.cpus.find((c) => c.cpu === 'all')?.samples).toBe(summary.interval_samples);
    // Each kept sample still has its time: the date is read from the cut document too.
    const all = summary.samples.filter((s) => s.cpu === 'all');
    expect(all.length).toBe(summary.interval_samples);
    expect(all.every((s) => s.t !== null)).toBe(true);
    // A sample cut in the middle of its text is not counted: one more brace would make it parse.
    const cut = text.slice(0, text.lastIndexOf('"cpu-load"') + 20);
    expect(parseMpstatJson(cut).interval_samples).toBe(summary.interval_samples - 1);
  });
});
