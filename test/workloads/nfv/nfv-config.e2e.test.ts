// experiments/configs/workloads/nfv.yaml as shipped, run once through RunSession on this node.
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

it('nfv.yaml runs locally: four stages start, the generator writes metrics, every stage writes truth/<stage>.json', async () => {
  // Port 22 added to the flows: a quarter is denied. Denies count as answered, so the default validity floor (90 %) holds.
  const { session, result } = await runShippedConfig(
    project,
    'nfv',
    [9380, 9381, 9382, 9383],
    '        settings: { rate: 400, duration_s: 0.5, warmup_s: 0.2, flows: 8, dst_ports: "80,443,53,22", truth_sample: 1 }\n',
  );
  expect(result.status).toBe('passed');
  expect(result.key_metrics).toMatchObject({ completed: 150, dropped: 50 });
  const dir = session.artifactDir;
  const m = JSON.parse(readFileSync(path.join(dir, 'metrics/nfv-gen.json'), 'utf8')) as GeneratorMetrics;
  expect(m).toMatchObject({ workload: 'nfv', offered_rps: 400, sent: 200, completed: 150, dropped: 50, errors: 0, timeouts: 0, params: { 'dropped.firewall': 50 } });
  const fw = JSON.parse(readFileSync(path.join(dir, 'truth/firewall.json'), 'utf8')) as { decisions: { action: string; dst_port: number }[]; denied: number };
  expect(fw.denied).toBe(70);
  expect(fw.decisions).toHaveLength(280);
  expect(fw.decisions.filter((d) => d.action === 'deny').every((d) => d.dst_port === 22)).toBe(true);
  for (const stage of ['nat', 'monitor', 'sink']) expect(JSON.parse(readFileSync(path.join(dir, `truth/${stage}.json`), 'utf8'))).toMatchObject({ stage, received: 210 });
});
