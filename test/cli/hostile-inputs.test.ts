// Issue 17 at the command line: every bad flag, path or artifact is exit 2 with a message naming
// it, nothing is written outside its root, and no device or FIFO is replaced. In-process through
// main() for speed, plus real `harness` processes for the cases that must not hang or write.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarizeRuns } from '../../harness/report/summary.ts';
import { fakeRecord, fakeSuite } from '../helpers/run-records.ts';
import { runCli, runMain as cli } from '../helpers/cli.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let project: TempProject;
let tmp: string;
beforeEach(() => {
  project = new TempProject();
  project.workload('tiny', TINY_WORKLOAD);
  project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n`);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hostile-cli-'));
});
afterEach(() => {
  delete process.env.HARNESS_REPORTS_DIR;
  project.dispose();
  rmSync(tmp, { recursive: true, force: true });
});


// An artifact folder holding a run_result.json of the given suite.
function artifact(root: string, name: string, suite = 'overhead', patch: (r: Record<string, unknown>) => void = () => {}): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const result = fakeRecord({ mode: 'baseline', repetition: 0, metrics: { throughput_rps: 100 } }, suite).result as unknown as Record<string, unknown>;
  patch(result);
  writeFileSync(path.join(dir, 'run_result.json'), JSON.stringify(result));
  return dir;
}

describe('flags', () => {
  it.each(['3/2', '0/0', 'a/b', '1/0', '99999999/1'])('--shard %s is exit 2 before any plan is printed', async (shard) => {
    const res = await cli(['--root', project.root, 'run', '--suite', 's', '--dry-run', '--shard', shard]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/--shard takes i\/n/);
    expect(res.out).toBe('');
  });

  it('--max-runs on plan and compile: refuses above it, plans when raised, rejects a bad value', async () => {
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline, perf]\n    repetitions: 3\n    parameters: { a: [1, 2, 3, 4] }\n`);
    expect(await cli(['--root', project.root, 'plan', '--suite', 's', '--count', '--max-runs', '20'])).toMatchObject({ code: 2, err: expect.stringMatching(/s\.yaml:6:17 .*24 runs with modes and repetitions\), more than the limit of 20 runs/) });
    expect(await cli(['--root', project.root, 'compile', '--max-runs', '20'])).toMatchObject({ code: 2 });
    expect(await cli(['--root', project.root, 'compile', '--max-runs', '24'])).toMatchObject({ code: 0 });
    expect(await cli(['--root', project.root, 'compile', '--max-runs', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--max-runs must be a whole number/) });
    expect(await cli(['--root', project.root, 'plan', '--suite', 's', '--max-runs', 'lots'])).toMatchObject({ code: 2, err: expect.stringMatching(/--max-runs must be a whole number/) });
  });

  it('--root naming a missing folder or a file is exit 2, not a silent fallback', async () => {
    expect(await cli(['--root', '/nonexistent/project', 'plan', '--suite', 's'])).toMatchObject({ code: 2, err: expect.stringMatching(/--root \/nonexistent\/project: no such folder/) });
    expect(await cli(['--root', '/etc/passwd', 'plan', '--suite', 's'])).toMatchObject({ code: 2, err: expect.stringMatching(/not a folder/) });
  });

  it('--summary naming a device link or a missing folder is refused before planning', async () => {
    symlinkSync('/dev/null', path.join(tmp, 'null'));
    expect(await cli(['--root', project.root, 'plan', '--suite', 's', '--summary', path.join(tmp, 'null')])).toMatchObject({ code: 2, err: expect.stringMatching(/character device/) });
    expect(await cli(['--root', project.root, 'plan', '--suite', 's', '--summary', path.join(tmp, 'no/such/s.json')])).toMatchObject({ code: 2, err: expect.stringMatching(/does not exist/) });
  });
});

describe('harness merge', () => {
  it('--reports pointing at a file is exit 2 and the file is untouched', async () => {
    artifact(tmp, 'a');
    const file = path.join(tmp, 'passwd');
    writeFileSync(file, 'root:x:0:0\n');
    const res = await cli(['--root', project.root, 'merge', tmp, '--reports', file]);
    expect(res).toMatchObject({ code: 2, err: expect.stringMatching(/--reports .*passwd: exists and is not a folder/) });
    expect(readFileSync(file, 'utf8')).toBe('root:x:0:0\n');
  });

  it('never uses run.suite from an artifact as a path (../../ESCAPED)', async () => {
    const shards = path.join(tmp, 'shards');
    artifact(shards, 'a', 'ok');
    artifact(shards, 'b', '../../../ESCAPED');
    const reports = path.join(tmp, 'deep', 'er', 'reports');
    mkdirSync(reports, { recursive: true });
    const res = await cli(['--root', project.root, 'merge', shards, '--reports', reports]);
    expect(res).toMatchObject({ code: 2, err: expect.stringMatching(/run\.suite cannot name a reports folder/) });
    expect(readdirSync(reports)).toEqual([]);
    expect(existsSync(path.join(tmp, 'ESCAPED'))).toBe(false);
  });

  it('--summary naming a device link is refused and the link still points at the device', async () => {
    artifact(tmp, 'a');
    const link = path.join(tmp, 'full');
    symlinkSync('/dev/full', link);
    const res = await cli(['--root', project.root, 'merge', path.join(tmp, 'a'), '--summary', link, '--reports', path.join(tmp, 'r')]);
    expect(res).toMatchObject({ code: 2, err: expect.stringMatching(/--summary exists and is a character device/) });
    expect(readlinkSync(link)).toBe('/dev/full');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(existsSync(path.join(tmp, 'r'))).toBe(false);
  });

  it('a run_result.json linked to /dev/zero is exit 2 at once', async () => {
    const dir = path.join(tmp, 'zero');
    mkdirSync(dir);
    symlinkSync('/dev/zero', path.join(dir, 'run_result.json'));
    expect(await cli(['--root', project.root, 'merge', dir])).toMatchObject({ code: 2, err: expect.stringMatching(/run_result\.json is a character device/) });
  });
});

describe('harness compare', () => {
  const summaryFile = (name: string, scale: number, reps = 3): string => {
    const f = path.join(tmp, name);
    writeFileSync(f, JSON.stringify(summarizeRuns(fakeSuite(['baseline'], reps, (_m, r) => scale * (1000 + r)), { suite: 'x', descriptor: 'x.yaml' })));
    return f;
  };

  it('validates a file whose schema field matches against the schema', async () => {
    const f = path.join(tmp, 'fake.json');
    writeFileSync(f, JSON.stringify({ schema: 'harness.summary/v1', suite: 'x', groups: 5, overhead: [] }));
    expect(await cli(['compare', f, f])).toMatchObject({ code: 2, err: expect.stringMatching(/fake\.json is not a valid suite summary: groups: /) });
    writeFileSync(f, JSON.stringify({ schema: 'harness.summary/v1', suite: 'x', groups: [{ workload: 'kv', mode: 'b', variant: 'd', metrics: { p99_us: { values: ['x'] } } }], overhead: [] }));
    expect(await cli(['compare', f, f])).toMatchObject({ code: 2, err: expect.stringMatching(/groups\[0\]\.metrics\.p99_us\.values\[0\]/) });
  });

  it('--out refuses a FIFO (no hang, still a FIFO) and a missing folder (not created)', async () => {
    const base = summaryFile('a.json', 1);
    const fifo = path.join(tmp, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await cli(['compare', base, base, '--out', fifo])).toMatchObject({ code: 2, err: expect.stringMatching(/--out exists and is a FIFO/) });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(await cli(['compare', base, base, '--out', path.join(tmp, 'new', 'dir', 'o.md')])).toMatchObject({ code: 2, err: expect.stringMatching(/does not exist/) });
    expect(existsSync(path.join(tmp, 'new'))).toBe(false);
  });

  it('compares 12,000 values per side and says it used the normal approximation', async () => {
    // Written directly: compare reads only the values of each group's metrics.
    const big = (name: string, scale: number): string => {
      const f = path.join(tmp, name);
      const values = Array.from({ length: 12_000 }, (_, i) => scale * (1000 + (i % 97)));
      writeFileSync(f, JSON.stringify({ schema: 'harness.summary/v1', suite: 'x', groups: [{ workload: 'kv', mode: 'baseline', variant: 'default', metrics: { throughput_rps: { values } } }], overhead: [] }));
      return f;
    };
    const base = big('big-a.json', 1);
    const cand = big('big-b.json', 1.2);
    const res = await cli(['compare', base, cand, '--metric', 'throughput_rps']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/normal approximation with tie and continuity correction/);
    expect(res.out).toMatch(/\| throughput_rps \| .* \| improved \|/);
  });

  it('treats a metric named __proto__ in --min-effect-for as a name', async () => {
    const base = summaryFile('p.json', 1);
    expect((await cli(['compare', base, base, '--min-effect-for', '__proto__=0.5'])).code).toBe(0);
    expect(({} as Record<string, unknown>).__proto__).toBe(Object.prototype);
  });
});

describe('--resume over malformed artifacts', () => {
  it('a run_result.json with "started_at": 5 is exit 2 naming the file and key', async () => {
    const root = path.join(tmp, 'artifacts');
    artifact(root, 'old', 's', (r) => (r.started_at = 5));
    const res = await cli(['--root', project.root, 'run', '--suite', 's', '--resume', '--dry-run', '--artifacts', root]);
    expect(res).toMatchObject({ code: 2, err: expect.stringMatching(/old\/run_result\.json: started_at: /) });
  });

  it('a run_result.json linked to /dev/zero is exit 2 at once', async () => {
    const root = path.join(tmp, 'artifacts');
    mkdirSync(path.join(root, 'zero'), { recursive: true });
    symlinkSync('/dev/zero', path.join(root, 'zero', 'run_result.json'));
    const res = await cli(['--root', project.root, 'run', '--suite', 's', '--resume', '--dry-run', '--artifacts', root]);
    expect(res).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read .*zero\/run_result\.json: run_result\.json is a character device/) });
  });
});

describe('real harness processes', () => {
  it('compile refuses a suite name that leaves suites/ and writes nothing anywhere', async () => {
    const outside = path.join(tmp, 'x');
    project.suite('s', `name: ${path.relative(path.join(project.root, 'suites'), path.join(outside, 'escaped-suite'))}\nworkloads:\n  - name: kv\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n`);
    const res = await runCli(['compile'], { cwd: project.root });
    expect(res.exitCode).toBe(2);
    expect(res.all).toMatch(/experiments\/configs\/experiments\/s\.yaml:1:7 name: /);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(path.join(project.root, 'suites'))).toBe(false);
  });

  it('a FIFO as a mutation patch is exit 2 without blocking', async () => {
    execFileSync('git', ['init', '-q', project.root]);
    execFileSync('git', ['-C', project.root, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'base']);
    execFileSync('mkfifo', [path.join(project.root, 'm.patch')]);
    project.suite('s', `workloads:\n  - name: t\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n    mutations: [{ name: m, patch: m.patch }]\n`);
    const res = await runCli(['plan', '--suite', 's'], { cwd: project.root, timeout: 60_000 });
    expect(res.timedOut).toBe(false);
    expect(res.exitCode).toBe(2);
    expect(res.all).toMatch(/s\.yaml:5:\d+ workloads\[0\]\.mutations\[0\]\.patch: m\.patch: patch is a FIFO/);
  });
});
