import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { deployTargets } from '../../harness/deploy/index.ts';
import { selectTargets } from '../../harness/cli/commands/deploy.ts';
import { UsageError } from '../../harness/cli/errors.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;

beforeAll(() => {
  project = new TempProject('deploy-targets-');
  project.workload(
    'rem',
    `name: rem
server:
  name: srv
  command: sleep 30
  ports: { main: 7000 }
clients:
  - name: gen
    generator: node --import tsx experiments/workloads/kv/generator.ts --port {{ports.main}}
    remote: { host: [gen1, gen2], workdir: ~/MS, metrics_dir: ~/MS/artifacts/remote }
  - name: shell
    generator: sh -c true
    metrics_flag: null
    remote: { host: gen3, workdir: ~/MS }
`,
  );
  project.suite('rs', 'workloads:\n  - name: rem\n    config: experiments/configs/workloads/rem.yaml\n    modes: [baseline]\n    repetitions: 3\n');
});
afterAll(() => project.dispose());

describe('deploy targets of a suite', () => {
  it('are the hosts of remote clients that run bundles, once each, with the metrics_dir to create', () => {
    const targets = deployTargets(planSuite('rs', { rootDir: project.root }), project.root);
    expect(targets.map((t) => [t.alias, t.workdir, t.extraDirs, t.programs])).toEqual([
      ['gen1', '~/MS', ['~/MS/artifacts/remote'], ['kv-generator.mjs']],
      ['gen2', '~/MS', ['~/MS/artifacts/remote'], ['kv-generator.mjs']],
    ]);
    expect(targets[1]!.spec.host).toBe('gen2');
  });

  it('--host narrows them, and a host no suite names is deployed with --workdir', () => {
    expect(selectTargets(project.root, { suite: ['rs'], host: ['gen2'] }).map((t) => t.alias)).toEqual(['gen2']);
    const adHoc = selectTargets(project.root, { suite: ['rs'], host: ['gen9'], workdir: '~/elsewhere', sshConfig: '/tmp/cfg' });
    expect(adHoc.map((t) => [t.alias, t.workdir, t.spec.ssh_config])).toEqual([['gen9', '~/elsewhere', '/tmp/cfg']]);
    expect(() => selectTargets(project.root, { suite: ['rs'], host: ['gen1;rm -rf /'] })).toThrow(UsageError);
  });
});
