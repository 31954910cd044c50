// Writes a project whose suite has N trivial local runs (a sleeping server, a client that exits at
// once, no monitors) and the equivalent plain shell script, to measure per-run orchestration cost.
// The client reports nothing, so the suite waives the throughput gate: it measures the harness, not a workload.
// Usage: node --import tsx bench/orchestration-suite.ts DIR N
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, n = '50'] = process.argv.slice(2);
if (!dir) throw new Error('usage: orchestration-suite.ts DIR N');
mkdirSync(path.join(dir, 'experiments/configs/workloads'), { recursive: true });
mkdirSync(path.join(dir, 'experiments/configs/experiments'), { recursive: true });
writeFileSync(
  path.join(dir, 'experiments/configs/workloads/trivial.yaml'),
  `server:\n  name: srv\n  command: sleep 60\n  stop: { grace_s: 1 }\nclients:\n  name: gen\n  generator: "true"\n  metrics_flag: null\ninstrumentation:\n  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }\n`,
);
writeFileSync(
  path.join(dir, 'experiments/configs/experiments/trivial.yaml'),
  `workloads:\n  - name: trivial\n    config: experiments/configs/workloads/trivial.yaml\n    modes: [baseline]\n    repetitions: ${n}\n    validity: { require_throughput: false }\n`,
);
// The same commands without the harness: start the server, run the client, stop the server.
writeFileSync(path.join(dir, 'direct.sh'), `#!/bin/sh\nfor i in $(seq ${n}); do\n  sleep 60 & pid=$!\n  true\n  kill $pid; wait $pid 2>/dev/null || true\ndone\n`);
