import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPortsFree, listListeners, portHolders, PortInUseError } from '../../harness/process/ports.ts';
import { CommandError } from '../../harness/process/index.ts';
import { freePort } from '../helpers/ports.ts';
import { useProcessSandbox } from './support.ts';

const sandbox = useProcessSandbox();
const held: net.Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

// A listener of this test process: "another process" from the point of view of a started server.
async function hold(port: number): Promise<void> {
  const s = net.createServer().listen(port, '127.0.0.1');
  held.push(s);
  await new Promise((r) => s.once('listening', r));
}

// A node one-liner that listens on the port (exiting on EADDRINUSE); argv for ManagedProcess.
function listener(port: number): string {
  return `node -e "require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('up')).on('error', (e) => { console.error(e.code); process.exit(1); })"`;
}

describe('port checks', () => {
  it('finds the holder of a listening port from /proc/net/tcp and /proc/<pid>/fd', async () => {
    const port = await freePort();
    expect(portHolders(port)).toEqual([]);
    await hold(port);
    expect(listListeners().some((l) => l.port === port && l.address === '127.0.0.1')).toBe(true);
    expect(portHolders(port).flatMap((h) => h.pids)).toEqual([process.pid]);
    expect(() => checkPortsFree({ kv: port })).toThrow(PortInUseError);
    expect(() => checkPortsFree({ kv: port })).toThrow(`Port ${port} (ports.kv) is already in use by pid ${process.pid} (`);
  });

  it('refuses to start a server whose declared port is held, naming the holder', async () => {
    const port = await freePort();
    await hold(port);
    const proc = sandbox.sh('srv', listener(port), { ports: { main: port }, ready: { kind: 'tcp', host: '127.0.0.1', port } });
    const err = await proc.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).message).toContain(`is already in use by pid ${process.pid}`);
    expect(proc.pid).toBeUndefined(); // nothing was started
  });

  it('a wrapper-started server facing a held port never counts as ready: only its own listener does', async () => {
    const port = await freePort();
    await hold(port);
    // The wrapper outlives the server that failed with EADDRINUSE; no port declared, so only readiness can tell.
    const proc = sandbox.sh('srv', `${listener(port)}; sleep 30`, { ready: { kind: 'tcp', host: '127.0.0.1', port }, readyTimeoutMs: 1500 });
    const err = await proc.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).reason).toBe('not-ready');
    expect((err as CommandError).message).toContain(`port ${port} is held by pid ${process.pid}`);
    expect((err as CommandError).message).toContain("not by this run's processes");
  });

  it('a server of its own (listening from a child of the started process) is ready', async () => {
    const port = await freePort();
    const proc = sandbox.sh('srv', `${listener(port)} & wait`, { ready: { kind: 'tcp', host: '127.0.0.1', port }, readyTimeoutMs: 5000 });
    await proc.start();
    expect(proc.running).toBe(true);
  });
});
