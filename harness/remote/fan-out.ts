import type { RemoteHost } from './remote-host.ts';
import { RemoteProcess, type RemoteProcessOptions } from './remote-process.ts';
import { StartBarrier } from './start-barrier.ts';

/** Which instance is being built, for per-instance argv, env and log names. */
export interface InstanceContext {
  host: RemoteHost;
  hostIndex: number;
  /** 0-based instance number on its host. */
  instance: number;
  /** 0-based number across all hosts. */
  index: number;
  count: number;
}

export interface FanOutOptions extends Omit<RemoteProcessOptions, 'name' | 'host' | 'argv' | 'logPath' | 'barrier' | 'env'> {
  name: string;
  hosts: RemoteHost[];
  /** Instances per host. @default 1 */
  instances?: number;
  argv: string[] | ((ctx: InstanceContext) => string[]);
  /** Merged under HARNESS_INSTANCE, HARNESS_INSTANCES and HARNESS_HOST, which every instance gets. */
  env?: Record<string, string>;
  logPath: (ctx: InstanceContext) => string;
}

// `kv-gen`, or `kv-gen@gen1#2` when several instances run.
export function instanceName(name: string, ctx: InstanceContext): string {
  return ctx.count === 1 ? name : `${name}@${ctx.host.target.alias}#${ctx.instance}`;
}

// Build one RemoteProcess per host × instance, all behind one barrier (not started yet).
export function planFanOut(opts: FanOutOptions): { processes: RemoteProcess[]; barrier: StartBarrier } {
  const perHost = opts.instances ?? 1;
  const count = opts.hosts.length * perHost;
  const barrier = new StartBarrier(count);
  const { name, hosts, instances: _i, argv, env, logPath, ...rest } = opts;
  const processes = hosts.flatMap((host, hostIndex) =>
    Array.from({ length: perHost }, (_, instance) => {
      const ctx: InstanceContext = { host, hostIndex, instance, index: hostIndex * perHost + instance, count };
      return new RemoteProcess({
        ...rest,
        name: instanceName(name, ctx),
        host,
        argv: typeof argv === 'function' ? argv(ctx) : argv,
        env: { ...env, HARNESS_INSTANCE: String(ctx.index), HARNESS_INSTANCES: String(count), HARNESS_HOST: host.target.alias },
        logPath: logPath(ctx),
        barrier,
      });
    }),
  );
  return { processes, barrier };
}

// Start a client on every host / instance at once: start() every process (each remote wrapper waits
// at the barrier until all are connected, then all start in the same tick); on failure stop
// them all and rethrow the root cause (the instance that broke the barrier), not the aborts.
export async function startTogether(processes: readonly RemoteProcess[]): Promise<void> {
  const results = await Promise.allSettled(processes.map((p) => p.start()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return;
  await Promise.allSettled(processes.map((p) => p.stop('another instance failed to start')));
  throw processes.map((p) => p.barrier?.brokenBy).find((e) => e !== undefined) ?? failed.reason;
}
