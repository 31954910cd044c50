import type { SFTPWrapper } from 'ssh2';
import { quoteArg } from '../util/quote.ts';
import type { RemoteHost } from '../remote/index.ts';
import { BUNDLE_DIR } from '../plan/remote-program.ts';
import type { Bundle, BundleFile } from './bundle.ts';
import { checkNode, checkSpace, checkWorkdir } from './checks.ts';
import { DeployError } from './deploy-error.ts';
import { manifestOf } from './manifest.ts';
import { probeRemote, type RemoteState } from './remote-state.ts';

/** One host's deployment, for the CLI, the bench and plan.json. */
export interface DeployRecord {
  host: string;
  workdir: string;
  hash: string;
  node_version: string;
  /** true: the manifest already matched, nothing was written. */
  skipped: boolean;
  files_uploaded: number;
  bytes_uploaded: number;
  duration_ms: number;
}

export interface DeployHostOptions {
  /** Folders to create besides the workdir (the remote metrics_dir), as written (`~/…`). */
  extraDirs?: string[];
  /** Recorded in the manifest. */
  deployedBy: string;
}

const SFTP_PERMISSION_DENIED = 3;
const SFTP_FAILURE = 4;

// Bring one host's `<workdir>/.harness/bundle` to `bundle`: check Node, the workdir and free space,
// upload only files whose hash differs, then the manifest last (a partial upload has none).
export async function deployToHost(host: RemoteHost, workdir: string, bundle: Bundle, opts: DeployHostOptions): Promise<DeployRecord> {
  const began = performance.now();
  const state = await probeRemote(host, workdir);
  const node = checkNode(state, host);
  checkWorkdir(state, host, workdir);
  const record = (files: BundleFile[], skipped: boolean): DeployRecord => ({
    host: host.label,
    workdir,
    hash: bundle.hash,
    node_version: node,
    skipped,
    files_uploaded: files.length,
    bytes_uploaded: files.reduce((n, f) => n + f.contents.length, 0),
    duration_ms: Math.round(performance.now() - began),
  });
  const current = (f: BundleFile): boolean => state.manifest?.files[f.name]?.sha256 === f.sha256 && state.files.get(f.name) === f.contents.length;
  const todo = bundle.files.filter((f) => !current(f));
  // Same bundle built from other sources (a comment changed) rewrites only the manifest, whose
  // inputs the run-time check compares with the checkout.
  if (state.manifest?.hash === bundle.hash && todo.length === 0 && sameInputs(state.manifest.inputs, bundle.inputs)) {
    await makeDirs(host, state, [], opts.extraDirs ?? []);
    return record([], true);
  }
  checkSpace(state, host, todo.reduce((n, f) => n + f.contents.length, 0));
  const dir = `${state.workdir}/${BUNDLE_DIR}`;
  await makeDirs(host, state, [dir], opts.extraDirs ?? []);
  try {
    await host.withSftp(async (sftp) => {
      await Promise.all(todo.map((f) => putAtomic(sftp, `${dir}/${f.name}`, f.contents)));
      const stale = [...state.files.keys()].filter((name) => !bundle.files.some((f) => f.name === name));
      await Promise.all(stale.map((name) => call<void>((cb) => sftp.unlink(`${dir}/${name}`, cb)).catch(() => undefined)));
      await putAtomic(sftp, `${dir}/manifest.json`, Buffer.from(`${JSON.stringify(manifestOf(bundle, opts.deployedBy))}\n`));
    });
  } catch (err) {
    throw await explainUploadError(err, host, workdir, dir, todo);
  }
  return record(todo, false);
}

function sameInputs(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

// mkdir -p the bundle folder and the extra folders; drop the old manifest first so an interrupted
// upload leaves no manifest (a run refuses it) instead of one that lies.
async function makeDirs(host: RemoteHost, state: RemoteState, dirs: string[], extraDirs: string[]): Promise<void> {
  const all = [...dirs.map((d) => quoteArg(d)), ...extraDirs.map((d) => quoteArg(d, { expandHome: true }))];
  if (all.length === 0) return;
  const dropManifest = dirs.length > 0 ? ` && rm -f ${quoteArg(`${dirs[0]}/manifest.json`)}` : '';
  const r = await host.run(`mkdir -p ${all.join(' ')}${dropManifest}`, { timeoutMs: 30_000 });
  if (r.exitCode === 0) return;
  const err = r.stderr.trim();
  const ssh = `ssh ${host.target.alias}`;
  if (/No space left/i.test(err)) throw new DeployError('disk-full', host.label, `Disk full on ${host.label}: ${err}`, `free space on ${host.label} (${ssh} df -h ${state.workdir})`);
  if (/Permission denied|Read-only/i.test(err)) throw new DeployError('permission-denied', host.label, `Permission denied on ${host.label} creating folders as ${state.user}: ${err}`, `${ssh} sudo chown -R ${state.user}: ${state.workdir}, or choose another remote.workdir / metrics_dir`);
  throw new DeployError('remote-failed', host.label, `mkdir -p on ${host.label} failed (exit ${r.exitCode}): ${err}`, 'see the message above');
}

// Write `path.tmp`, then rename over `path` (posix-rename: replaces atomically, OpenSSH's extension).
async function putAtomic(sftp: SFTPWrapper, path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  await call<void>((cb) => sftp.writeFile(tmp, Buffer.from(data), { mode: 0o644 }, cb));
  await call<void>((cb) => sftp.ext_openssh_rename(tmp, path, cb));
}

function call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

// SFTP says little (ENOSPC is a generic FAILURE): ask the host what went wrong.
async function explainUploadError(err: unknown, host: RemoteHost, workdir: string, dir: string, files: BundleFile[]): Promise<Error> {
  if (err instanceof DeployError) return err;
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message ?? String(err);
  if (code === SFTP_PERMISSION_DENIED) {
    return new DeployError('permission-denied', host.label, `Permission denied writing ${dir} on ${host.label}: ${message}`, `ssh ${host.target.alias} sudo chown -R ${host.target.user}: ${dir}`, { cause: err });
  }
  if (code === SFTP_FAILURE) {
    const after = await probeRemote(host, workdir).catch(() => undefined);
    if (after) {
      try {
        checkSpace(after, host, files.reduce((n, f) => n + f.contents.length, 0));
      } catch (full) {
        return full as Error;
      }
    }
  }
  return new DeployError('remote-failed', host.label, `Uploading the workload bundle to ${dir} on ${host.label} failed: ${message}`, 'see the message above; run npx harness deploy again once it is fixed', { cause: err });
}
