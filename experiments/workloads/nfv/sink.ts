// nfv sink: the end of the chain; records deliveries and one-way latency, acknowledges each packet to its sender.
// Usage: node --import tsx experiments/workloads/nfv/sink.ts --port 9003 --truth-file truth/sink.json
import { runCli } from '../lib/args.ts';
import { SinkLogic } from './sink-logic.ts';
import { runStage, stageFlags } from './stage-cli.ts';

await runCli('nfv-sink', stageFlags(false, false), (f) => runStage('sink', f, new SinkLogic()));
