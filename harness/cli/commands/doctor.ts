import { cliSession } from '../cli-session.ts';
import { containmentSupport, pdeathsigTool } from '../../process/process-registry.ts';
import { describeContainment, sweepLeftovers } from '../../process/containment.ts';
import { readLedger } from '../../process/ledger.ts';
import { isSameProcessAlive } from '../../process/proc-info.ts';
import type { CliIo } from '../main.ts';

// `harness doctor`: how runs are contained on this host, and what dead harness processes left
// behind (ledger entries, run cgroups, processes carrying a run token), named and removed.
export async function doctorCommand(rootDir: string, opts: { artifacts?: string }, io: CliIo): Promise<number> {
  const session = cliSession(rootDir, opts.artifacts !== undefined ? { artifacts: opts.artifacts } : {});
  const root = session.artifactsRoot;
  const support = containmentSupport(session.containment);
  io.stdout.write(`containment: ${describeContainment({ support, setpriv: pdeathsigTool() })}\n`);
  for (const { entry } of readLedger(root)) {
    if (entry && isSameProcessAlive({ pid: entry.owner.pid, startTime: entry.owner.start_time })) {
      io.stdout.write(`live run (left alone): ${entry.run.name}, harness pid ${entry.owner.pid}, ${entry.processes.length} process(es)\n`);
    }
  }
  const leftovers = await sweepLeftovers(root, support, { allCgroups: true });
  for (const l of leftovers) io.stdout.write(`removed ${l.description}\n`);
  io.stdout.write(leftovers.length === 0 ? `no leftovers of a dead harness (artifacts root ${root})\n` : `${leftovers.length} leftover(s) removed\n`);
  return 0;
}
