// Writes a synthetic project with a 100,000-run suite (2 modes × 100 × 100 variants × 5 reps),
// to time planning at scale. Usage: node --import tsx bench/make-big-suite.ts DIR [VALUES per axis, default 100]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, perAxis = '100'] = process.argv.slice(2);
if (!dir) throw new Error('usage: make-big-suite.ts DIR');
mkdirSync(path.join(dir, 'experiments/configs/workloads'), { recursive: true });
mkdirSync(path.join(dir, 'experiments/configs/experiments'), { recursive: true });
writeFileSync(
  path.join(dir, 'experiments/configs/workloads/w.yaml'),
  `server:\n  name: srv\n  command: server --a {{params.a}} --b {{params.rate_scan.b}}\n  ports: { main: 7000 }\n  ready: { tcp: 7000 }\nclients:\n  name: gen\n  generator: gen --port {{ports.main}} --a {{params.a}}\n`,
);
const values = Array.from({ length: Number(perAxis) }, (_, i) => i + 1).join(', ');
writeFileSync(
  path.join(dir, 'experiments/configs/experiments/big.yaml'),
  `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n    modes: [baseline, perf]\n    repetitions: 5\n    parameters:\n      a: [${values}]\n      rate_scan:\n        b: [${values}]\n`,
);
