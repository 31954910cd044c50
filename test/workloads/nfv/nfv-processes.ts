// The nfv chain as real processes on loopback, started sink first so each stage learns its next hop's
// port (`--port 0`, read back from the readiness line). Every process is registered in a ProcessList.
import path from 'node:path';
import { ProcessList, WorkloadProcess } from '../helpers/workload-process.ts';

export const NFV_GENERATOR = 'experiments/workloads/nfv/generator.ts';
const STAGE_SCRIPT = (stage: string): string => `experiments/workloads/nfv/${stage}.ts`;

export interface Chain {
  /** The firewall's port: where the generator sends. */
  port: number;
  stages: Record<'firewall' | 'nat' | 'monitor' | 'sink', WorkloadProcess>;
  /** truth/<stage>.json of each stage (written when it stops). */
  truth: (stage: string) => string;
}

export interface ChainOptions {
  /** Folder of the truth files. */
  dir: string;
  firewall?: string[];
  nat?: string[];
}

async function startStage(procs: ProcessList, stage: string, args: string[]): Promise<{ proc: WorkloadProcess; port: number }> {
  const proc = procs.add(new WorkloadProcess(STAGE_SCRIPT(stage), ['--port', '0', ...args]));
  const m = await proc.waitFor(new RegExp(`nfv ${stage} listening on udp [^\\s]+:(\\d+)`));
  return { proc, port: Number(m[1]) };
}

export async function startChain(procs: ProcessList, opts: ChainOptions): Promise<Chain> {
  const truth = (stage: string): string => path.join(opts.dir, 'truth', `${stage}.json`);
  const sink = await startStage(procs, 'sink', ['--truth-file', truth('sink')]);
  const monitor = await startStage(procs, 'monitor', ['--next-port', String(sink.port), '--truth-file', truth('monitor')]);
  const nat = await startStage(procs, 'nat', ['--next-port', String(monitor.port), '--truth-file', truth('nat'), ...(opts.nat ?? [])]);
  const firewall = await startStage(procs, 'firewall', ['--next-port', String(nat.port), '--truth-file', truth('firewall'), ...(opts.firewall ?? [])]);
  return { port: firewall.port, stages: { firewall: firewall.proc, nat: nat.proc, monitor: monitor.proc, sink: sink.proc }, truth };
}

// Stop every stage (SIGTERM, so each writes its truth file), firewall first; returns their exit infos.
export async function stopChain(chain: Chain): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const s of ['firewall', 'nat', 'monitor', 'sink'] as const) out.push(await chain.stages[s].stop());
  return out;
}
