import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, explainExit, readLogTail, unexpectedExitError, type CommandOutcome } from '../../harness/process/index.ts';

const outcome = (over: Partial<CommandOutcome> = {}): CommandOutcome => ({
  name: 'kv-server',
  command: ['node', 'server.ts', '--port', '6390'],
  commandLine: 'node server.ts --port 6390',
  host: 'local',
  cwd: '/w',
  exitCode: null,
  signal: 'SIGKILL',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 30_000,
  timedOut: true,
  killed: true,
  logPath: '/a/kv_server.log',
  logTail: 'accepting connections\nslow request',
  ...over,
});

describe('CommandError', () => {
  it('reads cause → command → output', () => {
    const err = new CommandError('timeout', 'Command timed out after 30000 ms', outcome());
    expect(err.message).toBe('Command timed out after 30000 ms: kv-server: node server.ts --port 6390\n\n--- last lines of /a/kv_server.log ---\naccepting connections\nslow request');
    expect(err.name).toBe('CommandError');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ name: 'CommandError', reason: 'timeout', outcome: { exitCode: null, timedOut: true } });
  });

  it('names a remote host after the command', () => {
    expect(new CommandError('exit', 'Command failed with exit code 1', outcome({ host: 'gen1' })).message.split('\n')[0]).toBe('Command failed with exit code 1: kv-server: node server.ts --port 6390 (on gen1)');
  });

  it('explains the exit status when the log is empty', () => {
    expect(unexpectedExitError(outcome({ logTail: '', signal: null, exitCode: 137 })).message).toBe(
      'Process exited unexpectedly with exit code 137 (killed by SIGKILL (out of memory, or a hard kill)): kv-server: node server.ts --port 6390\n\n(no output in /a/kv_server.log; killed by SIGKILL (out of memory, or a hard kill))',
    );
    expect(explainExit(127, null)).toMatch(/command not found/);
    expect(explainExit(126, null)).toMatch(/not executable/);
    expect(explainExit(null, 'SIGTERM')).toBe('terminated by SIGTERM');
    expect(explainExit(143, null)).toBe('terminated by SIGTERM');
    expect(explainExit(2, null)).toBe('exit code 2');
  });
});

describe('readLogTail', () => {
  it('returns the last lines within a byte budget, whole lines only', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tail-'));
    try {
      const file = path.join(dir, 'x.log');
      writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
      expect(readLogTail(file, { lines: 3 })).toBe('line 98\nline 99\nline 100');
      expect(readLogTail(file, { lines: 40, bytes: 30 })).toBe('line 98\nline 99\nline 100'); // 30 bytes cut "line 97"
      writeFileSync(file, 'a\nb\nc'); // no final newline
      expect(readLogTail(file, { lines: 2 })).toBe('b\nc');
      expect(readLogTail(path.join(dir, 'missing.log'))).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
