import { quoteArg, quoteArgv } from '../process/index.ts';

/** Lines the remote wrapper writes to stderr before the command starts; the harness strips them. */
export const MARKER_PREFIX = '\x1eHARNESS ';
export const EXIT_BARRIER_ABORTED = 95;
export const EXIT_NO_WORKDIR = 96;
export const EXIT_NO_SETSID = 97;

export type WrapperMarker = { kind: 'pgid'; pgid: number } | { kind: 'waiting' } | { kind: 'no-workdir'; path: string } | { kind: 'no-setsid' };

export interface RemoteCommandSpec {
  argv: string[];
  /** `~/` stays unquoted so the remote shell expands it. @default '~' */
  workdir?: string;
  /** Exported to the command; names must be shell identifiers. */
  env?: Record<string, string>;
  /** Wait for a line on stdin before starting (the fan-out barrier). @default false */
  barrier?: boolean;
  /** Seconds the watchdog allows between TERM and KILL when the channel closes under the command. @default 5 */
  graceS?: number;
  /** `$0` of the command's shell, so "not found" messages name the role. @default 'harness' */
  name?: string;
}

// Runs as `sh -c` (dash/bash alike) with $0=name $1=workdir $2=grace $3=barrier, then argv. It
// 1. reports a missing workdir, 2. waits at the barrier, 3. starts argv in a new session (setsid:
// own process group, pgid reported first on stderr), 4. leaves a watchdog on the channel's stdin:
// EOF (the harness closed the channel, the connection dropped, the harness died) kills the group,
// TERM then KILL, 5. exits with the command's status after killing strays left in its group.
const INNER = `printf '${MARKER_PREFIX.replace('\x1e', '\\036')}pgid=%s\\n' "$$" >&2; exec "$@"`;
const OUTER = [
  `wd=$1 grace=$2 barrier=$3`,
  `shift 3`,
  `if [ ! -d "$wd" ]; then printf '\\036HARNESS no-workdir %s\\n' "$wd" >&2; exit ${EXIT_NO_WORKDIR}; fi`,
  `cd "$wd" || exit ${EXIT_NO_WORKDIR}`,
  `if ! command -v setsid >/dev/null 2>&1; then printf '\\036HARNESS no-setsid\\n' >&2; exit ${EXIT_NO_SETSID}; fi`,
  `if [ "$barrier" = 1 ]; then printf '\\036HARNESS waiting\\n' >&2; read -r go || exit ${EXIT_BARRIER_ABORTED}; fi`,
  `exec 3<&0`,
  `setsid sh -c ${quoteArg(INNER)} "$0" "$@" </dev/null 3<&- &`,
  `pg=$!`,
  `(while read -r line; do :; done; kill -s TERM -- "-$pg" 2>/dev/null && sleep "$grace" && kill -s KILL -- "-$pg" 2>/dev/null) <&3 >/dev/null 2>&1 &`,
  `w=$!`,
  `exec 3<&-`,
  `wait "$pg"`,
  `st=$?`,
  `kill -s KILL -- "-$pg" 2>/dev/null`,
  `kill "$w" 2>/dev/null`,
  `exit "$st"`,
].map((line) => (line.endsWith('&') ? `${line} ` : `${line}; `)).join('').trimEnd();

// The exec-channel command line: the wrapper script plus every argument as one shell word.
export function buildRemoteCommand(spec: RemoteCommandSpec): string {
  if (spec.argv.length === 0) throw new Error('remote command: argv is empty');
  const env = Object.entries(spec.env ?? {});
  for (const [k] of env) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`remote command: environment variable name "${k}" is not a shell identifier`);
  const words = [
    'exec',
    ...(env.length > 0 ? ['env', ...env.map(([k, v]) => quoteArg(`${k}=${v}`))] : []),
    'sh',
    '-c',
    quoteArg(OUTER),
    quoteArg(spec.name ?? 'harness'),
    quoteArg(spec.workdir ?? '~', { expandHome: true }),
    String(Math.max(0, Math.ceil(spec.graceS ?? 5))),
    spec.barrier ? '1' : '0',
    ...spec.argv.map((a) => quoteArg(a, { expandHome: true })),
  ];
  return words.join(' ');
}

// The command as a person would type it: `cd ~/MicroSentinel && kv_client --rate 5`.
export function displayRemoteCommand(argv: readonly string[], workdir = '~'): string {
  return `cd ${quoteArg(workdir, { expandHome: true })} && ${quoteArgv(argv, { expandHome: true })}`;
}

// One marker line (without the newline), or undefined for ordinary output.
export function parseMarker(line: string): WrapperMarker | undefined {
  if (!line.startsWith(MARKER_PREFIX)) return undefined;
  const body = line.slice(MARKER_PREFIX.length);
  const pgid = /^pgid=(\d+)$/.exec(body);
  if (pgid) return { kind: 'pgid', pgid: Number(pgid[1]) };
  if (body === 'waiting') return { kind: 'waiting' };
  if (body.startsWith('no-workdir ')) return { kind: 'no-workdir', path: body.slice('no-workdir '.length) };
  if (body === 'no-setsid') return { kind: 'no-setsid' };
  return undefined;
}

// Signal a remote process group, wait up to graceMs for it (zombies do not count), then SIGKILL.
// Prints one line per action: `signal TERM`, `signal KILL`, then `gone` or `still-alive`.
const KILL_SCRIPT = [
  `pg=$1 sig=$2 steps=$3`,
  // Zombies do not count (a PID 1 that never reaps would keep them forever); without a usable ps, kill -0 decides.
  `alive() { kill -s 0 -- "-$pg" 2>/dev/null || return 1; out=$(ps -e -o pgid= -o stat= 2>/dev/null) || return 0; printf '%s\\n' "$out" | awk -v g="$pg" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }`,
  `if ! alive; then echo gone; exit 0; fi`,
  `kill -s "$sig" -- "-$pg" 2>/dev/null && echo "signal $sig"`,
  `i=0; while [ "$i" -lt "$steps" ] && alive; do sleep 0.05; i=$((i + 1)); done`,
  `if alive; then kill -s KILL -- "-$pg" 2>/dev/null && echo "signal KILL"; i=0; while [ "$i" -lt 100 ] && alive; do sleep 0.05; i=$((i + 1)); done; fi`,
  `if alive; then echo still-alive; else echo gone; fi`,
].join('; ');

// The command that stops a remote process group through its own exec channel.
export function buildKillCommand(pgid: number, signal: NodeJS.Signals, graceMs: number): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`remote kill: refusing process group ${pgid}`);
  const sig = signal.replace(/^SIG/, '');
  return ['exec', 'sh', '-c', quoteArg(KILL_SCRIPT), 'harness-kill', String(pgid), sig, String(Math.ceil(graceMs / 50))].join(' ');
}
