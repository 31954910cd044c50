// nfv monitor stage: counts packets and bytes per flow and passes everything on.
// Usage: node --import tsx experiments/workloads/nfv/monitor.ts --port 9002 --next-port 9003
import { runCli } from '../lib/args.ts';
import { MonitorLogic } from './monitor-logic.ts';
import { runStage, stageFlags, truthLimit } from './stage-cli.ts';

await runCli('nfv-monitor', stageFlags(true), (f) => runStage('monitor', f, new MonitorLogic(truthLimit(f))));
