// Remote execution figures on the default testbed (bash testbed/testbed.sh up first):
//   1. command start latency on the pooled ssh2 connection vs OpenSSH `ssh -F .testbed/ssh_config gen1 true`
//   2. copy-back throughput (SFTP, parallel reads) vs `scp` for one 256 MiB file and 2,000 small files
// Run: node --import tsx bench/remote.ts   (BENCH_REMOTE_RUNS=30, BENCH_COPY_RUNS=3 to change counts)
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { fetchRemoteArtifacts, RemoteHostPool, RemoteProcess } from '../harness/remote/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SSH_CONFIG = path.join(ROOT, '.testbed/ssh_config');
const RUNS = Number(process.env.BENCH_REMOTE_RUNS ?? 30);
const COPY_RUNS = Number(process.env.BENCH_COPY_RUNS ?? 3);
const BIG_MIB = Number(process.env.BENCH_COPY_MIB ?? 256);
const SMALL_FILES = Number(process.env.BENCH_COPY_FILES ?? 2000);
const SMALL_BYTES = 4096;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

// OpenSSH's `ssh gen1 true`, median of RUNS, through hyperfine when it is installed.
async function sshTrueMs(work: string): Promise<number> {
  const cmd = `ssh -F ${SSH_CONFIG} gen1 true`;
  const hyperfine = await execa('hyperfine', ['--version'], { reject: false });
  if (hyperfine.exitCode === 0) {
    const json = path.join(work, 'ssh.json');
    await execa('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, cmd], { timeout: 300_000 });
    return JSON.parse(readFileSync(json, 'utf8')).results[0].median * 1000;
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(() => execa('ssh', ['-F', SSH_CONFIG, 'gen1', 'true'], { timeout: 30_000 })));
  return median(times);
}

async function main(): Promise<void> {
  if (!existsSync(SSH_CONFIG)) {
    console.error(`bench/remote: ${SSH_CONFIG} is missing: bring the default testbed up first (sudo bash testbed/testbed.sh up)`);
    process.exit(1);
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-remote-'));
  const pool = new RemoteHostPool({ sshConfigPath: SSH_CONFIG });
  const host = pool.get('gen1');
  const remoteDir = `~/bench-remote-${process.pid}`;
  try {
    await host.connect();
    console.log(`== command start latency, median of ${RUNS} (pooled connection ${host.label}) ==`);
    const starts: number[] = [];
    const roundTrips: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const p = new RemoteProcess({ name: 'bench', argv: ['true'], host, logPath: path.join(work, 'bench.log') });
      const t0 = performance.now();
      await p.start();
      const t1 = performance.now();
      await p.wait();
      const t2 = performance.now();
      const r = await timed(() => host.run('true'));
      if (i < 3) continue; // warm-up
      starts.push(t1 - t0);
      roundTrips.push(t2 - t0);
      raw.push(r);
    }
    const ssh = await sshTrueMs(work);
    const start = median(starts);
    console.log(`RemoteProcess.start() (setsid wrapper, pgid reported): ${start.toFixed(1)} ms`);
    console.log(`RemoteProcess start+wait of true:                     ${median(roundTrips).toFixed(1)} ms`);
    console.log(`RemoteHost.run('true') (bare exec channel):           ${median(raw).toFixed(1)} ms`);
    console.log(`ssh -F .testbed/ssh_config gen1 true:                 ${ssh.toFixed(1)} ms`);
    console.log(`start / ssh = ${(start / ssh).toFixed(3)}  (target <= 0.333: ${start <= ssh / 3 ? 'met' : 'NOT met'})`);

    console.log(`\n== copy-back throughput, median of ${COPY_RUNS} ==`);
    const setup = await host.run(
      `set -e; mkdir -p ${remoteDir}/small; dd if=/dev/urandom of=${remoteDir}/big.bin bs=1M count=${BIG_MIB} 2>/dev/null; ` +
        `cd ${remoteDir}/small; i=0; while [ $i -lt ${SMALL_FILES} ]; do head -c ${SMALL_BYTES} /dev/urandom > f$i.dat; i=$((i+1)); done`,
      { timeoutMs: 300_000 },
    );
    if (setup.exitCode !== 0) throw new Error(`remote setup failed: ${setup.stderr}`);
    const cases = [
      { label: `one ${BIG_MIB} MiB file`, source: `${remoteDir}/big.bin`, scpSource: `${remoteDir.slice(2)}/big.bin`, bytes: BIG_MIB * 1024 * 1024, recursive: false },
      { label: `${SMALL_FILES} files of ${SMALL_BYTES / 1024} KiB`, source: `${remoteDir}/small`, scpSource: `${remoteDir.slice(2)}/small`, bytes: SMALL_FILES * SMALL_BYTES, recursive: true },
    ];
    for (const c of cases) {
      const ours: number[] = [];
      const scp: number[] = [];
      for (let i = 0; i < COPY_RUNS; i++) {
        const dest = path.join(work, `ours-${i}`);
        ours.push(
          await timed(async () => {
            const [rec] = await fetchRemoteArtifacts(host, { extra_artifacts: [{ path: c.source, dest: 'remote' }] }, dest);
            if (rec?.error || rec?.bytes !== c.bytes) throw new Error(`fetch failed: ${rec?.error ?? `${rec?.bytes} bytes`}`);
          }),
        );
        rmSync(dest, { recursive: true, force: true });
        const scpDest = path.join(work, `scp-${i}`);
        scp.push(await timed(() => execa('scp', ['-q', ...(c.recursive ? ['-r'] : []), '-F', SSH_CONFIG, `gen1:${c.scpSource}`, scpDest], { timeout: 300_000 })));
        if (!c.recursive && statSync(scpDest).size !== c.bytes) throw new Error('scp copied a wrong size');
        rmSync(scpDest, { recursive: true, force: true });
      }
      const [o, s] = [median(ours), median(scp)];
      const mibs = (ms: number): string => (c.bytes / 1024 / 1024 / (ms / 1000)).toFixed(1);
      console.log(`${c.label}: fetchRemoteArtifacts ${o.toFixed(0)} ms (${mibs(o)} MiB/s) | scp ${s.toFixed(0)} ms (${mibs(s)} MiB/s; includes its ~${ssh.toFixed(0)} ms connection setup)`);
      console.log(`  speed vs scp = ${(s / o).toFixed(2)}x (target >= 1.0: ${s / o >= 1 ? 'met' : 'NOT met'}); vs scp without its connection setup = ${((s - ssh) / o).toFixed(2)}x`);
    }
  } finally {
    await host.run(`rm -rf ${remoteDir}`).catch(() => undefined);
    await pool.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
