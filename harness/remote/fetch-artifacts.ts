import { appendFileSync, mkdirSync } from 'node:fs';
import path, { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteSpec } from '../config/schema/common.ts';
import type { RemoteEvent } from './remote-events.ts';
import type { RemoteHost } from './remote-host.ts';
import { modeType, sftpCall, walkRemote, type RemoteFile } from './remote-walk.ts';
import { checkLocalTarget, checkRemoteName, joinInside, mkdirInside } from './safe-path.ts';
import { missingRemotePathMessage } from './troubleshooting.ts';

/** What to copy back (docs/remote.md: Remote hosts; `metrics_dir` → metrics/, `extra_artifacts` → truth/ or their `dest`). */
export type ArtifactSpec = Partial<Pick<RemoteSpec, 'workdir' | 'metrics_dir' | 'extra_artifacts'>>;

/** One declared artifact copied back (a folder counts once), for remote_fetch.log and run_result.json. */
export interface FetchRecord {
  host: string;
  /** Remote path as declared, e.g. `~/MicroSentinel/artifacts/remote`. */
  source: string;
  /** Absolute remote path it resolved to (or was looked for at); null when no SFTP session opened. */
  resolved: string | null;
  /** Local destination relative to the artifact folder, e.g. `metrics/` or `truth/kv_truth.json`. */
  destination: string;
  kind: 'file' | 'directory' | 'missing';
  files: number;
  bytes: number;
  duration_ms: number;
  /** null when everything arrived; else what failed, file by file. */
  error: string | null;
}

export interface FetchOptions {
  /** Files transferred at once. @default 32 */
  fileConcurrency?: number;
  /** Parallel SFTP reads in flight per file. @default 64 */
  readConcurrency?: number;
  /** Bytes per SFTP read. @default 261120 (OpenSSH's read limit; ssh2 caps it to what the server allows) */
  chunkSize?: number;
  /** @default `<artifactDir>/remote_fetch.log` */
  logFile?: string;
  /** A folder name inserted below metrics/, truth/, … (e.g. the host alias when several hosts write the same file names). */
  hostSubdir?: string;
  onEvent?: (e: RemoteEvent) => void;
}

interface Item {
  what: string;
  source: string;
  /** Local folder (relative to the artifact folder) receiving it. */
  destDir: string;
  /** metrics_dir's contents go straight into metrics/; other artifacts keep their name. */
  contentsOnly: boolean;
}

// Copy every declared remote artifact into the run folder over one SFTP session; never throws for a
// transfer problem (also used after failed runs): each problem is in its record's `error`.
export async function fetchRemoteArtifacts(host: RemoteHost, spec: ArtifactSpec, artifactDir: string, opts: FetchOptions = {}): Promise<FetchRecord[]> {
  const items = declaredItems(spec, opts.hostSubdir);
  if (items.length === 0) return [];
  mkdirSync(artifactDir, { recursive: true });
  const logFile = opts.logFile ?? path.join(artifactDir, 'remote_fetch.log');
  const found: (FetchRecord | undefined)[] = [];
  const workdir = spec.workdir ?? '~';
  try {
    await host.withSftp(async (sftp) => {
      const home = await sftpCall<string>((cb) => sftp.realpath('.', cb));
      await Promise.all(items.map(async (item, i) => (found[i] = await fetchItem(sftp, host, item, toSftpPath(item.source, workdir, home), artifactDir, opts))));
    });
  } catch (err) {
    // No SFTP session at all (connection refused, auth, …): every artifact failed for that reason.
    items.forEach((item, i) => (found[i] ??= record(host, item, null, 'missing', 0, 0, 0, `${item.what}: ${(err as Error).message}`)));
  }
  const records = found.filter((r): r is FetchRecord => r !== undefined);
  for (const r of records) {
    appendFileSync(logFile, formatFetchLine(r));
    try {
      opts.onEvent?.({ kind: 'fetch', host: r.host, time: new Date(), source: r.source, destination: r.destination, bytes: r.bytes, files: r.files, durationMs: r.duration_ms, error: r.error });
    } catch {} // a broken listener must not lose records
  }
  return records;
}

function declaredItems(spec: ArtifactSpec, subdir: string | undefined): Item[] {
  if (subdir !== undefined) checkRemoteName(subdir);
  const under = (dest: string): string => (subdir ? `${dest}/${subdir}` : dest);
  const items: Item[] = [];
  if (spec.metrics_dir) items.push({ what: 'metrics_dir', source: spec.metrics_dir, destDir: under('metrics'), contentsOnly: true });
  (spec.extra_artifacts ?? []).forEach((a, i) => {
    const { path: source, dest } = typeof a === 'string' ? { path: a, dest: 'truth' } : { path: a.path, dest: a.dest ?? 'truth' };
    items.push({ what: `extra_artifacts[${i}]`, source, destDir: under(dest), contentsOnly: false });
  });
  return items;
}

// SFTP paths start in the login directory: `~/x` → `<home>/x`; relative paths are relative to workdir.
export function toSftpPath(p: string, workdir: string, home: string): string {
  const fromHome = (q: string): string => (q === '~' ? home : q.startsWith('~/') ? posix.join(home, q.slice(2)) : q);
  if (p === '~' || p.startsWith('~/') || p.startsWith('/')) return posix.normalize(fromHome(p));
  const base = fromHome(workdir);
  return posix.normalize(posix.join(base.startsWith('/') ? base : posix.join(home, base), p));
}

async function fetchItem(sftp: SFTPWrapper, host: RemoteHost, item: Item, remotePath: string, artifactDir: string, opts: FetchOptions): Promise<FetchRecord> {
  const began = performance.now();
  const elapsed = (): number => Math.round(performance.now() - began);
  let real: string;
  let st: Stats;
  try {
    real = await sftpCall<string>((cb) => sftp.realpath(remotePath, cb));
    st = await sftpCall<Stats>((cb) => sftp.stat(real, cb));
  } catch {
    return record(host, item, remotePath, 'missing', 0, 0, elapsed(), missingRemotePathMessage(host.target, item.what, item.source, remotePath));
  }
  const errors: string[] = [];
  let files: RemoteFile[];
  let dirs: string[][] = [];
  let destRoot: string;
  try {
    const base = path.join(artifactDir, item.destDir);
    mkdirInside(artifactDir, base);
    const isDir = modeType(st.mode) === 'dir';
    const name = posix.basename(real);
    destRoot = isDir && item.contentsOnly ? base : joinInside(base, name);
    if (isDir) {
      const tree = await walkRemote(sftp, real);
      ({ files, dirs } = tree);
      errors.push(...tree.errors);
      mkdirInside(artifactDir, destRoot);
    } else {
      files = [{ remote: real, parts: [], size: st.size }];
    }
    for (const d of dirs) mkdirInside(artifactDir, joinInside(destRoot, ...d));
  } catch (err) {
    return record(host, item, real, 'missing', 0, 0, elapsed(), (err as Error).message);
  }
  let bytes = 0;
  let fetched = 0;
  await eachLimited(files, opts.fileConcurrency ?? 32, async (f) => {
    try {
      const local = f.parts.length > 0 ? joinInside(destRoot, ...f.parts) : destRoot;
      checkLocalTarget(local);
      await fastGet(sftp, f, local, opts);
      bytes += f.size;
      fetched++;
    } catch (err) {
      errors.push(`${f.remote}: ${(err as Error).message}`);
    }
  });
  const destination = path.relative(artifactDir, destRoot) + (modeType(st.mode) === 'dir' ? '/' : '');
  return { ...record(host, item, real, modeType(st.mode) === 'dir' ? 'directory' : 'file', fetched, bytes, elapsed(), errors.length > 0 ? errors.join('\n') : null), destination };
}

// ssh2's parallel reads; passing the size saves the fstat round trip per file.
function fastGet(sftp: SFTPWrapper, f: RemoteFile, local: string, opts: FetchOptions): Promise<void> {
  return sftpCall<void>((cb) => sftp.fastGet(f.remote, local, { concurrency: opts.readConcurrency ?? 64, chunkSize: opts.chunkSize ?? 261_120, fileSize: f.size }, (err) => cb(err, undefined)));
}

function record(host: RemoteHost, item: Item, resolved: string | null, kind: FetchRecord['kind'], files: number, bytes: number, durationMs: number, error: string | null): FetchRecord {
  const destination = item.contentsOnly ? `${item.destDir}/` : `${item.destDir}/${posix.basename(item.source)}`;
  return { host: host.label, source: item.source, resolved, destination, kind, files, bytes, duration_ms: durationMs, error };
}

// One line per declared artifact; per-file problems follow, indented.
export function formatFetchLine(r: FetchRecord): string {
  const src = `${r.host}:${r.resolved ?? r.source}`;
  const head = `${new Date().toISOString()} ${r.error ? 'FAIL' : 'OK  '} ${src} -> ${r.destination} (${r.files} file(s), ${r.bytes} bytes, ${r.duration_ms} ms)`;
  const detail = r.error ? r.error.split('\n').map((l) => `    error: ${l}\n`).join('') : '';
  return `${head}\n${detail}`;
}

// Run `fn` over items with at most `limit` in flight.
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
