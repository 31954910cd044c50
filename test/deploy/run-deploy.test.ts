// `harness run` with a remote client on a real generator node: it deploys the bundles first, the
// client runs the bundle there, plan.json records the deployed hash, and with --no-deploy a run
// whose generator code is stale refuses to start. Needs root (testbed); fails without it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempProject } from '../helpers/temp-project.ts';
import { runCli } from '../helpers/cli.ts';
import { useTestbed } from '../remote/testbed-instance.ts';
import { workloadsProject } from './deploy-project.ts';

const testbed = useTestbed({ ns: 'msh-dr', subnetId: 7, workdir: false });
let project: TempProject;

beforeAll(() => {
  project = workloadsProject('run-deploy-');
  // The antagonist program as a remote "client" (it needs no server); a local stand-in server.
  project.workload(
    'spin',
    `name: spin
server:
  name: idle
  command: sleep 60
  ready: { delay_ms: 50 }
clients:
  name: spin
  generator: node --import tsx experiments/workloads/antagonist/antagonist.ts --max-seconds 0.3 --duty-pct 10 --working-set-mb 0
  metrics_flag: null
  timeout_s: 30
  remote:
    host: gen1
    ssh_config: ${testbed().sshConfig}
    workdir: ~/MicroSentinel
instrumentation:
  monitors: { mpstat: { enabled: false }, pidstat: { enabled: false } }
`,
  );
  project.suite('remote-spin', 'workloads:\n  - name: spin\n    config: experiments/configs/workloads/spin.yaml\n    modes: [baseline]\n    repetitions: 1\n');
});
afterAll(() => project?.dispose());

// plan.json and the client log of the run in `artifacts` (one run per call).
function runFolder(artifacts: string): { plan: { provenance: { deployment: { host: string; hash: string }[] }; commands: { clients: { argv: string[] }[] } }; clientLog: string; result: { error: { message: string } | null } } {
  const [dir] = readdirSync(artifacts);
  const at = (f: string): string => path.join(artifacts, dir!, f);
  let clientLog = '';
  try {
    clientLog = readFileSync(at('spin_client.log'), 'utf8');
  } catch {} // a refused run starts no client
  return { plan: JSON.parse(readFileSync(at('plan.json'), 'utf8')), clientLog, result: JSON.parse(readFileSync(at('run_result.json'), 'utf8')) };
}

describe('harness run deploys to the generator node first (real sshd, needs root)', () => {
  it('deploys, runs the bundle on the generator node and records the deployed hash in plan.json', async () => {
    const artifacts = path.join(project.root, 'out-1');
    const res = await runCli(['run', '--suite', 'remote-spin', '--artifacts', artifacts], { cwd: project.root });
    expect(res.all).toMatch(new RegExp(`deploy: gen1 \\(${testbed().genAddr.replaceAll('.', '\\.')}:22\\):~/MicroSentinel [0-9a-f]{12} \\d+ file\\(s\\)`));
    const run = runFolder(artifacts);
    expect(run.plan.commands.clients[0]!.argv.slice(0, 2)).toEqual(['node', '.harness/bundle/antagonist-antagonist.mjs']);
    expect(run.clientLog).toContain('antagonist: done');
    expect(run.plan.provenance.deployment).toHaveLength(1);
    expect(run.plan.provenance.deployment[0]).toMatchObject({ host: `gen1 (${testbed().genAddr}:22)`, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('with --no-deploy, refuses to start a run whose generator code is stale', async () => {
    const src = path.join(project.root, 'experiments/workloads/antagonist/antagonist.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('antagonist: done', 'antagonist: finished'));
    const refused = path.join(project.root, 'out-2');
    const res = await runCli(['run', '--suite', 'remote-spin', '--artifacts', refused, '--no-deploy'], { cwd: project.root });
    expect(res.exitCode, res.all).toBe(1);
    expect(res.all).not.toContain('deploy: gen1');
    const run = runFolder(refused);
    expect(run.result.error?.message).toContain('generator code on gen1 is stale');
    expect(run.result.error?.message).toContain('experiments/workloads/antagonist/antagonist.ts');
    expect(run.result.error?.message).toContain('run npx harness deploy');
    expect(run.clientLog).toBe('');
    expect(run.plan.provenance.deployment).toEqual([]);
  });
});
