// One reader for run_result.json (harness/results/artifact-store.ts): every consumer — block
// baselines, --resume, merge, compare, the notebook — reads through it, so a FIFO planted as a
// run_result.json is refused at once with its path (exit 2 at the command line), never read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain as cli } from '../helpers/cli.ts';
import { ArtifactReadError, ArtifactStore, lastAttempts, readRunRecord } from '../../harness/results/artifact-store.ts';
import { ArtifactBaselines } from '../../harness/results/baselines.ts';
import { PreviousRuns } from '../../harness/results/previous-runs.ts';
import { selectArtifacts } from '../../harness/notebook/find-artifacts.ts';
import { fakeRecord } from '../helpers/run-records.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let tmp: string;
let root: string;
let fifo: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'store-'));
  root = path.join(tmp, 'artifacts');
  // A good run, and a baseline folder whose run_result.json is a FIFO (a read would block forever).
  const good = path.join(root, '20260101-000000-000_tiny_baseline_default_r1');
  mkdirSync(good, { recursive: true });
  writeFileSync(path.join(good, 'run_result.json'), JSON.stringify(fakeRecord({ mode: 'baseline', repetition: 1, metrics: { throughput_rps: 100 } }).result));
  const bad = path.join(root, '20260101-000001-000_tiny_baseline_default_r0');
  mkdirSync(bad);
  fifo = path.join(bad, 'run_result.json');
  execFileSync('mkfifo', [fifo]);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));


const refused = expect.stringMatching(/run_result\.json is a FIFO/);

describe('artifact store', () => {
  it('reads a good result and refuses a FIFO with its path, without blocking', () => {
    expect(new ArtifactStore(root).runDirs()).toHaveLength(2);
    expect(readRunRecord(path.join(root, '20260101-000000-000_tiny_baseline_default_r1')).result.run.repetition).toBe(1);
    expect(() => readRunRecord(path.dirname(fifo))).toThrow(ArtifactReadError);
    expect(() => readRunRecord(path.dirname(fifo))).toThrow(fifo);
  });

  it('refuses an off-schema result, naming the file and the key', () => {
    rmSync(fifo);
    writeFileSync(fifo, JSON.stringify({ ...fakeRecord({ mode: 'baseline', repetition: 0, metrics: {} }).result, status: 'great' }));
    expect(() => new ArtifactStore(root).records()).toThrow(/run_result\.json: status: .*not a run_result\.json of this harness/);
  });

  it('block baselines, --resume and the notebook selection read through it', () => {
    const block = { suite: 'overhead', workload: 'tiny', mode: 'perf' as const, variant: 'default', repetition: 0 };
    expect(() => new ArtifactBaselines(root, { sessionId: 'x', resume: false }).find(block)).toThrow(/run_result\.json is a FIFO/);
    expect(() => PreviousRuns.scan(root)).toThrow(/run_result\.json is a FIFO/);
    expect(() => selectArtifacts(root, 'anything')).toThrow(/run_result\.json is a FIFO/);
  });

  it('is exit 2 with the path at the command line: merge, compare, notebook, run --resume', async () => {
    const project = new TempProject();
    try {
      project.workload('tiny', TINY_WORKLOAD);
      project.suite('s', 'workloads:\n  - name: tiny\n    config: experiments/configs/workloads/tiny.yaml\n    modes: [baseline]\n');
      for (const args of [
        ['merge', root, '--reports', path.join(tmp, 'reports')],
        ['compare', root, root],
        ['notebook', '20260101-000000-000-abcdef', '--artifacts', root],
        ['run', '--suite', 's', '--resume', '--artifacts', root, '--dry-run'],
      ]) {
        expect(await cli(['--root', project.root, ...args]), args[0]).toMatchObject({ code: 2, err: refused });
      }
    } finally {
      project.dispose();
    }
  });
});

describe('lastAttempts', () => {
  // A record of run `id` in execution `exec` (undefined: written before executions had IDs).
  const rec = (id: string, exec: string | undefined, attempt: number | undefined, startedAt: string) => {
    const r = fakeRecord({ mode: 'baseline', repetition: 0, metrics: {} });
    r.result.run = { ...r.result.run, id, ...(exec ? { suite_execution_id: exec } : {}), ...(attempt ? { attempt } : {}) };
    r.result.started_at = startedAt;
    return { ...r, dir: `/a/${id}-${exec}-${attempt}` };
  };

  it('keeps the last attempt of a run per execution, and every record of other executions or without one', () => {
    const a1 = rec('r1', 'e1', 1, '2026-12-05T10:00:00Z');
    const a2 = rec('r1', 'e1', 2, '2026-12-05T10:00:05Z');
    const other = rec('r1', 'e2', 1, '2026-12-05T11:00:00Z');
    const old1 = rec('r1', undefined, undefined, '2026-12-01T10:00:00Z');
    const old2 = rec('r1', undefined, undefined, '2026-12-01T10:00:00Z');
    const r2 = rec('r2', 'e1', 1, '2026-12-05T10:00:09Z');
    expect(lastAttempts([a2, a1, other, old1, old2, r2])).toEqual([a2, other, old1, old2, r2]);
    // The same folder read twice counts once.
    const again = structuredClone(a1);
    expect(lastAttempts([a1, again])).toHaveLength(1);
  });
});
