// Run a shipped workload config (experiments/configs/workloads/<name>.yaml) once through RunSession,
// as `harness run` would, in a temp project: the programs and node_modules are symlinked in, and the
// config's fixed ports are replaced by free ones so the test never collides with anything listening.
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../../harness/config/project-root.ts';
import { freePort } from '../../helpers/ports.ts';
import { executeFirstRun } from '../../helpers/first-run.ts';
import type { TempProject } from '../../helpers/temp-project.ts';

export type ConfigRun = Awaited<ReturnType<typeof executeFirstRun>>;

/**
 * @param ports the config's port numbers, each replaced by a free port. @param overrides YAML under `overrides.workload`, indented 6.
 * @param edit changes the config's text before it is written (e.g. a test-only generator flag).
 */
export async function runShippedConfig(project: TempProject, name: string, ports: readonly number[], overrides: string, edit: (yaml: string) => string = (y) => y): Promise<ConfigRun> {
  symlinkSync(path.join(PACKAGE_ROOT, 'experiments/workloads'), path.join(project.root, 'experiments/workloads'));
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(project.root, 'node_modules'));
  let yaml = readFileSync(path.join(PACKAGE_ROOT, `experiments/configs/workloads/${name}.yaml`), 'utf8');
  for (const p of ports) {
    const pattern = new RegExp(`\\b${p}\\b`, 'g');
    if (!pattern.test(yaml)) throw new Error(`${name}.yaml has no port ${p}`);
    yaml = yaml.replace(pattern, String(await freePort()));
  }
  project.workload(name, edit(yaml));
  project.suite(
    's',
    // These tests check a config's wiring (processes, metrics, truth logs); whether a run on a busy
    // machine is a valid measurement (saturation, achieved rate) is test/results/validity.test.ts's.
    `workloads:\n  - name: ${name}\n    config: experiments/configs/workloads/${name}.yaml\n    modes: [baseline]\n    validity: { reject_saturated: false, min_achieved_ratio: 0 }\n    overrides:\n` +
      `      instrumentation: { monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } } }\n      workload:\n${overrides}`,
  );
  return executeFirstRun(project);
}
