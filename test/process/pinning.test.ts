import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManagedProcess, PinningError, allowedCpus, formatCpuList, parseCpuList, wrapWithPinning } from '../../harness/process/index.ts';
import { useProcessSandbox } from './support.ts';

const box = useProcessSandbox();

describe('wrapWithPinning', () => {
  it('prefixes taskset -c for cpus and numactl … -- for a NUMA policy', () => {
    expect(wrapWithPinning(['kv_server', '--port', '1'], {})).toEqual(['kv_server', '--port', '1']);
    expect(wrapWithPinning(['kv_server'], { cpus: '0-3,8' })).toEqual(['taskset', '-c', '0-3,8', 'kv_server']);
    expect(wrapWithPinning(['kv_server'], { numa: { cpunodebind: 0, membind: '0' } })).toEqual(['numactl', '--cpunodebind=0', '--membind=0', '--', 'kv_server']);
    expect(wrapWithPinning(['kv_server'], { cpus: '2', numa: { membind: 1 } })).toEqual(['taskset', '-c', '2', 'numactl', '--membind=1', '--', 'kv_server']);
  });

  it('rejects conflicting or malformed requests, listing every problem', () => {
    const err = (() => {
      try {
        wrapWithPinning(['-x'], { cpus: '0 - 3', numa: { physcpubind: '0' } });
      } catch (e) {
        return e as PinningError;
      }
      throw new Error('expected PinningError');
    })();
    expect(err).toBeInstanceOf(PinningError);
    expect(err.problems).toHaveLength(3);
    expect(err.message).toMatch(/not a CPU list[^]*both set the CPU affinity[^]*may not start with "-"/);
  });

  it('runs a process pinned by taskset (util-linux)', async () => {
    const cpu = Math.min(...allowedCpus()!);
    const p = box.track(
      new ManagedProcess({
        name: 'pinned',
        argv: wrapWithPinning(['sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], { cpus: String(cpu) }),
        cwd: box.dir(),
        logPath: path.join(box.dir(), 'pinned.log'),
      }),
    );
    await p.start();
    const o = await p.wait();
    expect(o.commandLine).toBe(`taskset -c ${cpu} sh -c 'grep Cpus_allowed_list /proc/self/status'`);
    expect(o.logTail).toMatch(new RegExp(`^Cpus_allowed_list:\\s+${cpu}$`));
  });
});

describe('CPU lists', () => {
  it('parses and formats kernel CPU lists', () => {
    expect([...parseCpuList('0-3,8,10-14:2')]).toEqual([0, 1, 2, 3, 8, 10, 12, 14]);
    expect(formatCpuList([8, 0, 1, 2, 3, 10])).toBe('0-3,8,10');
    expect(() => parseCpuList('a-b')).toThrow(/not a CPU list/);
  });
});
