import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from '../helpers/temp-project.ts';
import { runCli } from '../helpers/cli.ts';

// The artifacts root is checked before anything starts; a disk that fills during a run is named.
let project: TempProject;
let tmpfs: string;

// Every file under a folder, recursively (relative paths).
function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? allFiles(path.join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`]));
}

beforeAll(() => {
  project = new TempProject('harness-artifacts-');
  // A client that writes more than the disk holds: its log fills the 200 KiB tmpfs.
  project.workload(
    'filler',
    `server:
  name: srv
  command: sleep 30
clients:
  name: gen
  command: ["sh", "-c", "head -c 400000 /dev/zero | tr '\\\\0' x"]
  metrics_flag: null
  timeout_s: 20
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
  );
  project.suite('fill', 'workloads:\n  - name: filler\n    config: experiments/configs/workloads/filler.yaml\n    modes: [baseline]\n    repetitions: 1\n');
  // A real small disk: tmpfs of 200 KiB (the harness runs as root, as in CI).
  tmpfs = path.join(project.root, 'small-disk');
  mkdirSync(tmpfs);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', tmpfs]);
});
afterAll(() => {
  try {
    execFileSync('umount', [tmpfs]);
  } finally {
    project.dispose();
  }
});

describe('artifacts root', () => {
  it('--artifacts under a regular file exits 2 before anything starts', async () => {
    const file = project.write('not-a-folder', 'x');
    const res = await runCli(['run', '--suite', 'fill', '--artifacts', path.join(file, 'runs')], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(2);
    expect(res.all).toContain(`error: artifacts root ${path.join(file, 'runs')} cannot be used: ${file} is a file, not a directory; pass --artifacts a folder path`);
    expect(res.all).not.toMatch(/\n\s+at /); // no stack
    expect(res.all).not.toContain('RUN'); // Vitest never started
  });

  it('a root with less free space than --min-free-mb exits 2 naming the free space', async () => {
    const res = await runCli(['run', '--suite', 'fill', '--artifacts', tmpfs], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(2);
    expect(res.all).toMatch(/artifacts root .*small-disk has only \d+ KiB free, below the 64 MiB a suite needs \(disk nearly full\)/);
  });

  it('a disk that fills during a run gives a clear disk-full error naming the path, and leaves no temporary files', async () => {
    const res = await runCli(['run', '--suite', 'fill', '--artifacts', tmpfs, '--min-free-mb', '0'], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(1);
    expect(res.all).toMatch(new RegExp(`Cannot write ${tmpfs}/[^ ]+/run_result\\.json: the disk is full \\(ENOSPC: no space left on device\\); the run itself had failed`));
    expect(res.all).toContain('Free space on the artifacts root, or pass --artifacts a folder on another disk.');
    expect(res.all).not.toMatch(/write-result\.ts:\d+|run-session\.ts:\d+/); // the run's message, not a code frame of the harness
    expect(allFiles(tmpfs).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The run's own files are kept: the log that filled the disk, plan.json.
    expect(allFiles(tmpfs).some((f) => f.endsWith('gen_client.log'))).toBe(true);
  });
});
