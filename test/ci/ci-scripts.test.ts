// The small scripts .ci/run and the workflows call (each one rule, testable alone): the mutation
// example must be detected, the comparison always reaches the job summary with compare's exit code,
// the shard matrix and the merge's missing-shard check, the non-fatal baseline lookup.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { SUMMARY_SCHEMA } from '../../harness/report/summary.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ci-scripts-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (name: string, args: string[], env: Record<string, string> = {}) =>
  execa('bash', [path.join(PACKAGE_ROOT, '.ci', name), ...args], { cwd: PACKAGE_ROOT, reject: false, all: true, env: { NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...env }, timeout: 120_000 });

// A regression-suite summary (only what compare reads): p50 per variant.
function summaryFile(name: string, groups: Record<string, number[]>): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({
    schema: SUMMARY_SCHEMA, suite: 'regression', descriptor: 'd.yaml', generated_at: '', runs: { total: 0, passed: 0, failed: 0, interrupted: 0 }, overhead: [], warnings: [],
    groups: Object.entries(groups).map(([variant, values]) => ({ workload: 'kv', mode: 'baseline', variant, metrics: { p50_us: { values } } })),
  }));
  return file;
}
const FAST = [1000, 1010, 990, 1005, 995, 1002];
const SLOW = [1300, 1310, 1290, 1320, 1305, 1295];

describe('.ci/check-mutation-detected.sh (called by .ci/run after the regression suite)', () => {
  it('passes when compare reports kv-slow-get as a regression (its exit 1)', async () => {
    const res = await script('check-mutation-detected.sh', [summaryFile('detected.json', { 'mutation=base': FAST, 'mutation=kv-slow-get': SLOW }), path.join(dir, 'detected.md')]);
    expect(res.exitCode, res.all).toBe(0);
    expect(res.stdout).toContain('check-mutation-detected: kv-slow-get reported as a regression (compare exit 1), as it must be');
    expect(readFileSync(path.join(dir, 'detected.md'), 'utf8')).toMatch(/\| p50_us \|.*\| regressed \|/);
  });

  it('fails when the patch is disabled (the patched runs as fast as base): compare exits 0, the check exits 1', async () => {
    const summary = summaryFile('disabled.json', { 'mutation=base': FAST, 'mutation=kv-slow-get': [1003, 998, 1008, 992, 1001, 999] });
    const res = await script('check-mutation-detected.sh', [summary]);
    expect(res.exitCode, res.all).toBe(1);
    expect(res.stderr).toBe(`check-mutation-detected: kv-slow-get was NOT reported as a regression: 'harness compare ${summary} --mutation kv-slow-get --fail-on regression' exited 0; the mutation example must be detected (check experiments/patches/kv-slow-get.patch still slows kv, and compare's verdicts)`);
  });

  it('passes compare’s own failure through (a summary without the mutation: exit 2)', async () => {
    const res = await script('check-mutation-detected.sh', [summaryFile('none.json', { 'mutation=base': FAST })]);
    expect(res.exitCode, res.all).toBe(2);
    expect(res.all).toContain('has no runs of mutation `kv-slow-get`');
    expect(res.stderr).toContain('check-mutation-detected: compare failed (exit 2), see above');
  });
});

describe('.ci/compare-to-summary.sh (testbed.yml’s comparison step)', () => {
  it('writes the comparison into $GITHUB_STEP_SUMMARY and still exits 1 on a regression', async () => {
    const summary = path.join(dir, 'step-summary.md');
    const res = await script('compare-to-summary.sh', [summaryFile('base.json', { default: FAST }), summaryFile('cand.json', { default: SLOW }), path.join(dir, 'compare.md')], { GITHUB_STEP_SUMMARY: summary });
    expect(res.exitCode, res.all).toBe(1);
    expect(readFileSync(summary, 'utf8')).toMatch(/\| kv \| baseline \| default \| p50_us \|.*\| regressed \|/);
  });

  it('says so in the summary when compare wrote no report, with its exit code', async () => {
    const summary = path.join(dir, 'step-summary-2.md');
    const res = await script('compare-to-summary.sh', [path.join(dir, 'missing.json'), summaryFile('cand2.json', { default: SLOW }), path.join(dir, 'compare2.md')], { GITHUB_STEP_SUMMARY: summary });
    expect(res.exitCode, res.all).toBe(2);
    expect(readFileSync(summary, 'utf8')).toBe('Comparison with the baseline wrote no report (compare exit 2): see the step log.\n');
  });
});

describe('.ci/shard-matrix.sh (testbed-sharded.yml’s shards input)', () => {
  it('emits the matrix as a JSON array for $GITHUB_OUTPUT', async () => {
    expect((await script('shard-matrix.sh', ['3'])).stdout).toBe('shards=[1,2,3]');
    expect((await script('shard-matrix.sh', ['1'])).stdout).toBe('shards=[1]');
  });

  it.each(['0', '9', '2x', '2;id', ''])('refuses %j with exit 2 and what it accepts', async (bad) => {
    const res = await script('shard-matrix.sh', [bad]);
    expect(res.exitCode).toBe(2);
    expect(res.all).toBe(`shard-matrix: shards input '${bad}' is not a whole number from 1 to 8 (one shard per physical testbed testbed-1..N)`);
  });
});

describe('.ci/merge-shards.sh (testbed-sharded.yml’s merge)', () => {
  it('names every shard that uploaded nothing and exits 1, after merging the others', async () => {
    const shards = path.join(dir, 'shards');
    mkdirSync(path.join(shards, 'shard-2'), { recursive: true }); // downloaded but empty
    mkdirSync(path.join(shards, 'shard-3', 'x'), { recursive: true }); // uploaded, but holds no run result
    const res = await script('merge-shards.sh', ['3', shards, path.join(dir, 'merged')]);
    expect(res.exitCode, res.all).toBe(1);
    expect(res.all).toContain(`no run_result.json under ${shards}/shard-3`); // harness merge ran on shard 3
    expect(res.stderr).toContain(`merge-shards: shard 1 of 3 uploaded nothing (${shards}/shard-1 missing or empty): its runs are not in the merged report`);
    expect(res.stderr).toContain(`merge-shards: shard 2 of 3 uploaded nothing (${shards}/shard-2 missing or empty)`);
    expect(res.stderr).not.toContain('shard 3 of 3 uploaded nothing');
    expect(res.stderr).toContain('merge-shards: merged 1 of 3 shards');
  });
});

describe('.ci/fetch-baseline.sh (testbed.yml’s baseline, by artifact name)', () => {
  // `gh` is a test double here (GitHub's API cannot be reached from tests): it answers `gh api` with
  // the run id in $FAKE_RUN_ID (empty: no such artifact) or fails when $FAKE_API_FAIL is set.
  let bin: string;
  beforeAll(() => {
    bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'gh'), '#!/bin/bash\necho "$*" >> "$FAKE_LOG"\n[ "$1" = api ] || exit 0\n[ -z "${FAKE_API_FAIL:-}" ] || { echo "HTTP 401" >&2; exit 1; }\necho "${FAKE_RUN_ID:-}"\n');
    chmodSync(path.join(bin, 'gh'), 0o755);
  });
  const fetch = async (env: Record<string, string>, args = ['baseline-overhead', 'main', path.join(dir, 'baseline')]) => {
    const files = { GITHUB_STEP_SUMMARY: path.join(dir, `sum-${Math.random()}`), GITHUB_OUTPUT: path.join(dir, `out-${Math.random()}`), FAKE_LOG: path.join(dir, `log-${Math.random()}`) };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const res = await script('fetch-baseline.sh', args, { PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: 'owner/repo', ...files, ...env });
    const read = (f: string): string => readFileSync(f, 'utf8');
    return { res, summary: read(files.GITHUB_STEP_SUMMARY), output: read(files.GITHUB_OUTPUT), gh: read(files.FAKE_LOG) };
  };

  it('downloads the newest artifact of that name from a run on the branch', async () => {
    const { res, output, gh, summary } = await fetch({ FAKE_RUN_ID: '4242' });
    expect(res.exitCode, res.all).toBe(0);
    expect(gh).toContain('api -X GET repos/owner/repo/actions/artifacts -f name=baseline-overhead -f per_page=100 --jq [.artifacts[] | select(.expired == false and .workflow_run.head_branch == "main")][0].workflow_run.id // empty');
    expect(gh).toContain(`run download 4242 --name baseline-overhead --dir ${dir}/baseline`);
    expect(output).toBe('found=true\n');
    expect(summary).toBe("Baseline: artifact 'baseline-overhead' of run 4242 (main).\n");
  });

  it('is not fatal when none exists, or when the API fails: found=false and a line in the summary', async () => {
    const none = await fetch({ FAKE_RUN_ID: '' });
    expect(none.res.exitCode).toBe(0);
    expect(none.output).toBe('found=false\n');
    expect(none.summary).toBe("No artifact 'baseline-overhead' from a successful run on main yet: nothing to compare with.\n");
    const down = await fetch({ FAKE_API_FAIL: '1' });
    expect(down.res.exitCode).toBe(0);
    expect(down.output).toBe('found=false\n');
    expect(down.summary).toContain('Baseline lookup failed');
  });

  it('refuses a branch name that is not plain (it reaches a jq filter): exit 2', async () => {
    const { res } = await fetch({}, ['baseline-overhead', 'main" or true or "', path.join(dir, 'b')]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe(`fetch-baseline: 'main" or true or "' is not a plain artifact or branch name (letters, digits, . _ / -)`);
  });
});
