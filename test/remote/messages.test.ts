import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemoteHostPool, resolveSshHost, SshConfigError } from '../../harness/remote/index.ts';
import { missingRemotePathMessage, missingWorkdirMessage } from '../../harness/remote/troubleshooting.ts';
import { CommandError } from '../../harness/process/index.ts';

// Messages of remote failures, checked without a testbed: they must say what to do, correctly.
const dir = mkdtempSync(path.join(os.tmpdir(), 'harness-remote-msg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('remote messages', () => {
  it('a missing ssh_config named in the remote spec is an error naming it, never a fall-back to ~/.ssh/config', () => {
    const missing = path.join(dir, '.testbed', 'ssh_config');
    const pool = new RemoteHostPool();
    expect(() => pool.get('gen1', { ssh_config: missing })).toThrow(SshConfigError);
    expect(() => pool.get('gen1', { ssh_config: missing })).toThrow(`ssh_config ${missing} (remote.ssh_config for gen1) does not exist: the testbed is not up: run \`npm run testbed:up\``);
    expect(() => pool.get('gen1', { ssh_config: path.join(dir, 'other_config') })).toThrow('fix remote.ssh_config, or remove it to use ~/.ssh/config');
  });

  it('the workdir hint gives a working command: ssh -F <config>, the remote command quoted so ~ expands remotely', () => {
    const config = path.join(dir, 'ssh config');
    writeFileSync(config, 'Host gen1\n  HostName 10.211.0.2\n  User harness-gen\n  Port 2222\n');
    const t = resolveSshHost('gen1', { configPath: config });
    const msg = missingWorkdirMessage(t, '~/MicroSentinel', '/home/harness-gen/MicroSentinel');
    expect(msg).toContain(`ssh -F '${config}' -p 2222 gen1 'mkdir -p ~/MicroSentinel'`);
    expect(msg).toContain('npx harness deploy --host gen1');
    expect(msg).not.toMatch(/docs\/|\.md\b/);
    expect(missingRemotePathMessage(t, 'metrics_dir', 'out', '/home/harness-gen/MicroSentinel/out')).toContain(`ssh -F '${config}' -p 2222 gen1 'mkdir -p /home/harness-gen/MicroSentinel/out'`);
  });

  it('a process that started but whose end was never reported does not claim it never ran', () => {
    const outcome = { name: 'gen', command: ['true'], commandLine: 'true', host: 'gen1 (10.211.0.2:22)', cwd: '~', exitCode: null, signal: null, startedAt: new Date().toISOString(), durationMs: 5, timedOut: false, killed: false, logPath: path.join(dir, 'gen.log'), logTail: '' };
    const started = new CommandError('unexpected-exit', 'Lost', outcome);
    expect(started.message).not.toContain('never ran');
    expect(started.message).toContain('the SSH connection was lost');
    expect(new CommandError('spawn', 'No', { ...outcome, startedAt: '' }).message).toContain('(the process never ran)');
  });
});
