import { quoteArg } from '../util/quote.ts';
import type { RemoteHost } from '../remote/index.ts';
import { DeployError } from './deploy-error.ts';
import { parseManifest, type Manifest } from './manifest.ts';

/** A generator node as deploy sees it: one exec channel, one round trip. */
export interface RemoteState {
  user: string;
  uid: number;
  home: string;
  /** The workdir with `~` expanded. */
  workdir: string;
  /** `v20.19.0`, or null when `node --version` failed (not installed, not on the PATH). */
  node: string | null;
  /** The workdir itself, or its nearest existing parent when it does not exist yet. */
  existing: { path: string; uid: number; owner: string; isDir: boolean; writable: boolean };
  workdirExists: boolean;
  /** Free space where the bundle goes, KiB. */
  availKib: number;
  /** `.harness/bundle` if it exists. */
  bundleDir: { uid: number; writable: boolean } | null;
  manifest: Manifest | null;
  /** Why a manifest that exists could not be read. */
  manifestProblem: string | null;
  /** Bundle files present: name → bytes. */
  files: Map<string, number>;
}

// POSIX sh; $1 is the workdir as written (`~/MicroSentinel`): expanded here, as the remote shell would.
const SCRIPT = [
  'wd=$1',
  'case $wd in "~") wd=$HOME ;; "~/"*) wd=$HOME/${wd#"~/"} ;; /*) ;; *) wd=$HOME/$wd ;; esac',
  'echo "user=$(id -un)"; echo "uid=$(id -u)"; echo "home=$HOME"; echo "wd=$wd"',
  'if v=$(node --version 2>/dev/null); then echo "node=$v"; fi',
  'p=$wd; while [ ! -e "$p" ] && [ "$p" != / ]; do p=$(dirname "$p"); done',
  'echo "existing=$p"; [ "$p" = "$wd" ] && echo wd_exists=1',
  'echo "existing_uid=$(stat -L -c %u "$p")"; echo "existing_owner=$(stat -L -c %U "$p")"',
  '[ -d "$p" ] && echo existing_dir=1; [ -w "$p" ] && echo existing_writable=1',
  'echo "avail_kib=$(df -Pk "$p" | awk \'NR==2 {print $4}\')"',
  'b=$wd/.harness/bundle',
  'if [ -d "$b" ]; then echo "bundle_uid=$(stat -L -c %u "$b")"; [ -w "$b" ] && echo bundle_writable=1; fi',
  'for f in "$b"/*.mjs; do [ -f "$f" ] && echo "file=$(stat -c %s "$f") ${f##*/}"; done',
  'if [ -f "$b/manifest.json" ]; then printf "manifest="; tr -d "\\n" < "$b/manifest.json"; echo; fi',
  'exit 0',
].join('\n');

// Read a host's user, Node, workdir, free space and deployed manifest in one command.
export async function probeRemote(host: RemoteHost, workdir: string): Promise<RemoteState> {
  const command = `sh -c ${quoteArg(SCRIPT)} harness-deploy ${quoteArg(workdir)}`;
  const r = await host.run(command, { timeoutMs: 30_000 });
  if (r.exitCode !== 0) {
    throw new DeployError('remote-failed', host.label, `could not inspect ${host.label} (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim() || r.stdout.trim() || 'no output'}`, 'check that the account has a POSIX shell with id, stat, df and awk');
  }
  const kv = new Map<string, string>();
  const files = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'file') {
      const sp = value.indexOf(' ');
      files.set(value.slice(sp + 1), Number(value.slice(0, sp)));
    } else kv.set(key, value);
  }
  const parsed = kv.has('manifest') ? parseManifest(kv.get('manifest')!) : null;
  return {
    user: kv.get('user') ?? '?',
    uid: Number(kv.get('uid')),
    home: kv.get('home') ?? '',
    workdir: kv.get('wd') ?? workdir,
    node: kv.get('node') ?? null,
    existing: { path: kv.get('existing') ?? '/', uid: Number(kv.get('existing_uid')), owner: kv.get('existing_owner') ?? '?', isDir: kv.has('existing_dir'), writable: kv.has('existing_writable') },
    workdirExists: kv.has('wd_exists'),
    availKib: Number(kv.get('avail_kib') ?? NaN),
    bundleDir: kv.has('bundle_uid') ? { uid: Number(kv.get('bundle_uid')), writable: kv.has('bundle_writable') } : null,
    manifest: parsed && 'manifest' in parsed ? parsed.manifest : null,
    manifestProblem: parsed && 'problem' in parsed ? parsed.problem : null,
    files,
  };
}
