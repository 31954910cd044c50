// experiments/configs/workloads/lb.yaml as shipped, run once through RunSession on this node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { GeneratorMetrics } from '../../../experiments/workloads/lib/metrics.ts';
import { TempProject } from '../../helpers/temp-project.ts';
import { runShippedConfig } from '../helpers/workload-config-run.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
});
afterEach(() => project.dispose());

it('lb.yaml runs locally: three backends and the balancer start, the generator writes metrics, the truth log lands in truth/', async () => {
  const { session, result } = await runShippedConfig(
    project,
    'lb',
    [8380, 8381, 8382, 8383],
    '        settings: { policy: consistent-hash, rate: 400, duration_s: 0.5, warmup_s: 0.2, truth_sample: 1 }\n',
  );
  expect(result.status).toBe('passed');
  const dir = session.artifactDir;
  const m = JSON.parse(readFileSync(path.join(dir, 'metrics/lb-gen.json'), 'utf8')) as GeneratorMetrics;
  expect(m).toMatchObject({ workload: 'lb', offered_rps: 400, sent: 200, completed: 200, errors: 0 });
  const lines = readFileSync(path.join(dir, 'truth/lb_routes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.at(-1)).toMatchObject({ type: 'summary', policy: 'consistent-hash', requests: 280, recorded: 280, upstream_errors: 0 });
  expect(readFileSync(path.join(dir, 'balancer_server.log'), 'utf8')).toMatch(/lb balancer stopped \(SIGTERM\)/);
});
