// The catalog's mutation example: the regression suite, its patch, and `harness compare --mutation`.
// The suite itself (fixed kv port, 12 runs) runs in .ci/run, not in this parallel project.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { mutationSide } from '../../harness/report/mutation-side.ts';
import { SUMMARY_SCHEMA, type SuiteSummary } from '../../harness/report/summary.ts';
import { runCli } from '../helpers/cli.ts';

// A summary with groups per variant; only what compare reads is filled in.
function summary(groups: Record<string, number[]>): SuiteSummary {
  return {
    schema: SUMMARY_SCHEMA, suite: 'regression', descriptor: 'd.yaml', generated_at: '', runs: { total: 0, passed: 0, failed: 0, interrupted: 0 }, overhead: [], warnings: [],
    groups: Object.entries(groups).map(([variant, values]) => ({ workload: 'kv', mode: 'baseline', variant, metrics: { p50_us: { values } } })),
  } as unknown as SuiteSummary;
}

describe('the regression suite', () => {
  it('runs base and the kv-slow-get patch in every repetition block, under expectations', () => {
    const plan = planSuite('regression', { rootDir: PACKAGE_ROOT });
    expect(plan.runs.map((r) => r.variant.label).slice(0, 2)).toEqual(['mutation=base', 'mutation=kv-slow-get']);
    expect(plan.runs).toHaveLength(12);
    expect(plan.suite.descriptor.workloads[0]!.expect).toMatchObject({ throughput_rps: { min: 270 } });
  });

  it('has a patch that applies to this checkout (git apply --check), so a kv change cannot rot it silently', async () => {
    const res = await execa('git', ['apply', '--check', 'experiments/patches/kv-slow-get.patch'], { cwd: PACKAGE_ROOT, reject: false, all: true });
    expect(res.exitCode, `${res.all}\nregenerate it: apply it by hand, fix the conflict, git diff -U1 experiments/workloads/kv > experiments/patches/kv-slow-get.patch`).toBe(0);
  });
});

describe('compare --mutation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'compare-mut-'));
    const slow = [1300, 1310, 1290, 1320, 1305, 1295];
    const fast = [1000, 1010, 990, 1005, 995, 1002];
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary({ 'mutation=base,rate=500': fast, 'mutation=kv-slow-get,rate=500': slow, 'mutation=base': fast })));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs each patched variant with its base variant, the mutation axis left out', () => {
    const s = summary({ 'mutation=base,rate=500': [1], 'mutation=kv-slow-get,rate=500': [2], 'mutation=base': [3], 'rate=9': [4] });
    expect(mutationSide(s, 'base', 'x').groups.map((g) => g.variant)).toEqual(['rate=500', 'default']);
    expect(mutationSide(s, 'kv-slow-get', 'x').groups.map((g) => g.variant)).toEqual(['rate=500']);
    expect(() => mutationSide(s, 'nope', 'x.json')).toThrow('x.json has no runs of mutation `nope` (its mutations: base, kv-slow-get)');
  });

  it('finds the regression in one result set, and says what is wrong with a bad mutation name (exit 2)', async () => {
    const file = path.join(dir, 'summary.json');
    const res = await runCli(['compare', file, '--mutation', 'kv-slow-get', '--fail-on', 'regression'], { cwd: dir });
    expect(res.exitCode, res.all).toBe(1);
    expect(res.stdout).toMatch(/\| kv \| baseline \| rate=500 \| p50_us \| 1001 \| 1303 \|.*\| regressed \|/);
    expect(res.stdout).toContain('(mutation=kv-slow-get)');
    const bad = await runCli(['compare', file, '--mutation', 'kv-slow-gett'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.all).toContain('has no runs of mutation `kv-slow-gett` (its mutations: base, kv-slow-get)');
    const none = await runCli(['compare', file], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.all).toContain('compare needs BASE and CANDIDATE, or one result set with --mutation NAME');
  });
});
