// A real process burning a known amount of CPU (test/helpers/cpu-burner.mjs), tracked by CpuAccounting:
// what the harness accounted against what the kernel says it burned. Used by the tests (behaviour) and by
// `npm run bench` (the accuracy target).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa, type ResultPromise } from 'execa';
import { CpuAccounting } from '../../harness/monitors/cpu/cpu-accounting.ts';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const BURNER = path.join(PACKAGE_ROOT, 'test/helpers/cpu-burner.mjs');
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(file: string, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(file) || readFileSync(file, 'utf8') === '') {
    if (Date.now() > end) throw new Error(`timed out waiting for ${file}`);
    await sleep(10);
  }
  return readFileSync(file, 'utf8');
}

export interface BurnOptions {
  threads: number;
  /** `exit`: the burner exits inside the window (SIGKILL to itself right after its report). */
  after: 'stay' | 'exit';
  /** Start the burner under `sh`, so the tracked root is its parent. */
  underShell: boolean;
  /** CPU per thread, ms. @default 200 */
  ms?: number;
}

export interface BurnMeasurement {
  accountedNs: number;
  burnedNs: number;
  section: ReturnType<CpuAccounting['summarize']>;
}

// Start a burner as the tracked root (or under `sh`), tell it to burn, return accounted vs burned.
// Every process it started is killed (by process group) and its folder removed before it returns.
export async function measureBurn(opts: BurnOptions): Promise<BurnMeasurement> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cpu-acct-'));
  const report = path.join(dir, 'report.json');
  const argv = [process.execPath, BURNER, report, String(opts.ms ?? 200), String(opts.threads), opts.after];
  const child: ResultPromise = opts.underShell
    ? execa('sh', ['-c', `"$@"; sleep 30`, 'sh', ...argv], { detached: true, reject: false, stdio: 'ignore' })
    : execa(argv[0]!, argv.slice(1), { detached: true, reject: false, stdio: 'ignore' });
  try {
    const burnerPid = Number(await waitFor(`${report}.ready`));
    const acct = new CpuAccounting({ intervalMs: 10 });
    acct.track({ name: 'burner', role: 'server', pid: child.pid! });
    acct.start();
    await sleep(50);
    const start = now();
    process.kill(burnerPid, 'SIGUSR1');
    const burned = JSON.parse(await waitFor(report)) as { burned_ns: number };
    if (opts.after === 'exit') while (existsSync(`/proc/${burnerPid}/stat`) && !readFileSync(`/proc/${burnerPid}/stat`, 'utf8').includes(') Z')) await sleep(5);
    await sleep(60);
    const end = now();
    await sleep(30);
    acct.stop();
    const section = acct.summarize({ startMs: start, endMs: end, source: 'load-phase' }, 1000);
    return { accountedNs: section.groups[0]!.cpu_ns, burnedNs: burned.burned_ns, section };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await child;
    rmSync(dir, { recursive: true, force: true });
  }
}
