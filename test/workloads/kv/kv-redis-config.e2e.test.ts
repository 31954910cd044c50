// experiments/configs/workloads/kv-redis.yaml as shipped: the real redis-server (Debian package
// redis-server, installed by .ci/install-deps.sh) under the kv generator, once through RunSession.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

it('kv-redis.yaml runs redis-server without persistence and the kv generator measures it', async () => {
  const { session, result } = await runShippedConfig(project, 'kv-redis', [6391], '        settings: { rate: 500, duration_s: 1, warmup_s: 0.2, keys: 200 }\n');
  expect(result.status, result.error?.message).toBe('passed');
  const dir = session.artifactDir;
  const m = JSON.parse(readFileSync(path.join(dir, 'metrics/kv-gen.json'), 'utf8')) as GeneratorMetrics;
  expect(m).toMatchObject({ workload: 'kv', offered_rps: 500, sent: 500, completed: 500, errors: 0, timeouts: 0, params: { keys: 200, preloaded: 200 } });
  expect(m.timeline).toHaveLength(1);
  expect(result.key_metrics).toMatchObject({ completed: 500 });
  expect(typeof result.key_metrics.send_lag_p99_us).toBe('number');
  const log = readFileSync(path.join(dir, 'redis_server.log'), 'utf8');
  expect(log).toMatch(/Ready to accept connections/);
  // --save '' and --appendonly no: nothing written next to the run's artifacts.
  expect(readdirSync(dir).filter((f) => /\.(rdb|aof)$|appendonly/.test(f))).toEqual([]);
  expect(existsSync(path.join(dir, 'dump.rdb'))).toBe(false);
});
