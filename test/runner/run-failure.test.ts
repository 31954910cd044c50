import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { ConfigError } from '../../harness/config/config-error.ts';
import { ObserverError } from '../../harness/instrumentation/observer.ts';
import { CommandError, type CommandOutcome } from '../../harness/process/index.ts';
import { HostKeyError } from '../../harness/remote/known-hosts.ts';
import { RemoteConnectError } from '../../harness/remote/connect-errors.ts';
import { RUN_FAILURE_KINDS } from '../../harness/results/run-result-schema.ts';
import { classifyFailure, InvalidRunError, RunInterruptedError } from '../../harness/runner/run-failure.ts';
import { HarnessError } from '../../harness/errors/harness-error.ts';
import { reportError, UsageError } from '../../harness/cli/errors.ts';
import { ServerExitedError } from '../../harness/runner/stages/server-stage.ts';
import type { ProcessPlan } from '../../harness/plan/run-types.ts';

const dir = '/tmp/artifacts/run';
const outcome = (over: Partial<CommandOutcome> = {}): CommandOutcome => ({
  name: 'kv', command: ['node', 'server.ts'], commandLine: 'node server.ts', host: 'local', cwd: '/w', exitCode: 1, signal: null,
  startedAt: '2026-11-28T10:00:00.000Z', durationMs: 10, timedOut: false, killed: false, logPath: `${dir}/kv_server.log`, logTail: 'segfault in handler', ...over,
});

// Every `class X extends …Error` under harness/: its base, whether it sets name = 'X', and whether it declares its failureKind.
function errorClasses(): { name: string; base: string; file: string; setsName: boolean; setsKind: boolean }[] {
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
  return files(path.join(PACKAGE_ROOT, 'harness')).flatMap((file) => {
    const src = readFileSync(file, 'utf8');
    return [...src.matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{/g)].map((m) => {
      const body = src.slice(m.index + m[0].length, src.indexOf('\n}', m.index));
      return { name: m[1]!, base: m[2]!, file: path.relative(PACKAGE_ROOT, file), setsName: new RegExp(`name = '${m[1]}'`).test(body), setsKind: /failureKind\b/.test(body) };
    });
  });
}

describe('error classes', () => {
  it('each set their name and carry a failure kind (a HarnessError, or a subclass of one)', () => {
    const classes = errorClasses().filter((c) => c.name !== 'HarnessError');
    expect(classes.length).toBeGreaterThan(30);
    expect(classes.filter((c) => !c.setsName).map((c) => `${c.file}: ${c.name}`)).toEqual([]);
    const names = new Set(classes.map((c) => c.name));
    // A plain `extends Error` would be classified 'internal' and exit 1 whatever it means: never.
    expect(classes.filter((c) => c.base !== 'HarnessError' && !names.has(c.base)).map((c) => `${c.file}: ${c.name} extends ${c.base}`)).toEqual([]);
    expect(classes.filter((c) => c.base === 'HarnessError' && !c.setsKind).map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });

  it('takes the exit code from the kind: bad input 2, anything else 1', () => {
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    expect(reportError(new UsageError('--shard takes i/n'), sink)).toBe(2);
    expect(reportError(new ConfigError([]), sink)).toBe(2);
    expect(reportError(new RunInterruptedError('stopped'), sink)).toBe(1);
    expect(reportError(new Error('a bug'), sink)).toBe(1);
    expect(new CommandError('timeout', 'Command timed out', outcome({ timedOut: true })).failureKind).toBe('timeout');
    expect(new UsageError('x')).toBeInstanceOf(HarnessError);
  });
});

describe('classifyFailure', () => {
  it('gives a process failure its command, log (relative to the artifact folder) and log tail', () => {
    const e = classifyFailure(new CommandError('exit', 'Command failed with exit code 1', outcome()), dir);
    expect(e).toEqual({ message: expect.stringContaining('Command failed with exit code 1: kv: node server.ts'), kind: 'process', reason: 'CommandError: exit', command: 'node server.ts', log: 'kv_server.log', log_tail: 'segfault in handler' });
    expect(classifyFailure(new CommandError('timeout', 'Command timed out after 10 ms', outcome({ timedOut: true })), dir)).toMatchObject({ kind: 'timeout', reason: 'CommandError: timeout' });
  });

  it('keeps a crashed server\'s log path and tail (ServerExitedError is a CommandError)', () => {
    const plan = { name: 'kv', argv: ['node', 'server.ts'] } as ProcessPlan;
    const e = classifyFailure(new ServerExitedError(plan, outcome(), 'while the clients were running'), dir);
    expect(e).toMatchObject({ kind: 'process', reason: 'ServerExitedError: unexpected-exit', log: 'kv_server.log', log_tail: 'segfault in handler' });
    expect(e.message).toMatch(/^Server kv exited with code 1 while the clients were running: kv: node server.ts/);
  });

  it('classifies remote failures as remote, whatever their own kind says', () => {
    expect(classifyFailure(new RemoteConnectError('timeout', 'gen1: connect timed out'), dir)).toMatchObject({ kind: 'remote', reason: 'RemoteConnectError: timeout' });
    expect(classifyFailure(new HostKeyError('changed', 'host key of gen1 changed', 'SHA256:x'), dir)).toMatchObject({ kind: 'remote', reason: 'HostKeyError: changed' });
    const noWorkdir = new CommandError('spawn', 'remote workdir ~/x does not exist', outcome({ host: 'gen1', exitCode: null }));
    expect(classifyFailure(noWorkdir, dir)).toMatchObject({ kind: 'remote', log: 'kv_server.log' });
    const exited = new CommandError('exit', 'Command failed with exit code 3', outcome({ host: 'gen1', exitCode: 3 }));
    expect(classifyFailure(exited, dir).kind).toBe('process'); // it ran there and failed: the process's fault
  });

  it('takes an observer\'s process details from the CommandError it wraps', () => {
    const cause = new CommandError('not-ready', 'Process exited before it was ready', outcome({ name: 'perf', commandLine: 'perf stat', logPath: `${dir}/instrumentation_perf.log`, logTail: 'unknown flag' }));
    expect(classifyFailure(new ObserverError('Observer perf failed at start', { cause }), dir)).toMatchObject({ kind: 'observer', reason: 'ObserverError', command: 'perf stat', log: 'instrumentation_perf.log', log_tail: 'unknown flag' });
  });

  it('classifies config, invalid, interrupted, teardown and unknown errors', () => {
    expect(classifyFailure(new ConfigError([]), dir).kind).toBe('config');
    expect(classifyFailure(new InvalidRunError(['no throughput']), dir)).toMatchObject({ kind: 'invalid', message: 'Run is not a valid measurement: no throughput' });
    expect(classifyFailure(new RunInterruptedError('SIGTERM'), dir).kind).toBe('interrupted');
    const teardown = new AggregateError([new CommandError('exit', 'Command failed', outcome()), new Error('x')], 'teardown failed in 2 steps');
    expect(classifyFailure(teardown, dir)).toMatchObject({ kind: 'process', reason: 'teardown (2 errors): CommandError: exit', message: 'teardown failed in 2 steps', log: 'kv_server.log' });
    expect(classifyFailure(new TypeError('x is undefined'), dir)).toMatchObject({ kind: 'internal', reason: 'TypeError (unexpected error class)' });
    expect(classifyFailure('a string', dir)).toMatchObject({ kind: 'internal', reason: 'string' });
  });

  it('only ever yields a kind of the closed union', () => {
    const samples = [new InvalidRunError([]), new Error('x'), new ConfigError([]), new RemoteConnectError('lost', 'lost')];
    for (const s of samples) expect(RUN_FAILURE_KINDS).toContain(classifyFailure(s, dir).kind);
  });
});
