// The nfv loopback lint on variants planned from real descriptors: the shipped nfv.yaml (copied into a
// temp project) with suite overrides, and small hand-written chains.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { isLoopbackHost, lintWorkload } from '../../harness/plan/lint-workload.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.copyFromProject('experiments/configs/workloads/nfv.yaml');
  project.copyFromProject('experiments/configs/workloads/kv.yaml');
});
afterEach(() => project.dispose());

const REMOTE = '{ host: "211.0.0.102", workdir: "~/MicroSentinel", metrics_dir: "~/MicroSentinel/artifacts/remote" }';

// Lint the first planned run of a one-entry suite over `config` with `overrides` (YAML, indented 8 under
// `overrides.workload`). Planning runs the lint too and stops on its errors, so unless the overrides set
// their own level, the lint is set to `warn` here: the plan goes through and the function is called directly.
function lint(config: string, overrides = '') {
  const level = overrides.includes('lint:') ? '' : '        lint: { loopback_with_remote: warn }\n';
  project.suite('s', `workloads:\n  - name: w\n    config: experiments/configs/workloads/${config}.yaml\n    modes: [baseline]\n    overrides:\n      workload:\n${overrides}${level}`);
  const plan = planSuite('s', { rootDir: project.root });
  return lintWorkload(plan.runs[0]!.resolved);
}

describe('lintWorkload: NFV stage hosts on loopback with a remote generator', () => {
  it('accepts the shipped nfv config as is: everything runs on this node', () => {
    expect(lint('nfv')).toEqual([]);
  });

  it('reports settings.chain.host once, naming every stage, when the generator gets a remote stanza', () => {
    const issues = lint('nfv', `        clients: { remote: ${REMOTE} }\n`);
    expect(issues).toEqual([
      {
        path: ['workload', 'settings', 'chain', 'host'],
        message:
          'NFV traffic never arrives: stage hosts still default to loopback while the generator runs on 211.0.0.102 ' +
          '(sink, monitor, nat, firewall listen on 127.0.0.1)',
        hint: "set hosts.server to the server node's address (e.g. 211.0.0.101): settings.chain.host is {{hosts.server}}, which defaults to 127.0.0.1",
      },
    ]);
  });

  it('stops planning at the default level, pointing at the line of settings.chain.host in nfv.yaml', () => {
    project.suite('s', `workloads:\n  - name: w\n    config: experiments/configs/workloads/nfv.yaml\n    modes: [baseline]\n    overrides:\n      workload:\n        clients: { remote: ${REMOTE} }\n`);
    expect(() => planSuite('s', { rootDir: project.root })).toThrow(/nfv\.yaml:\d+:\d+ settings\.chain\.host: NFV traffic never arrives/);
  });

  it('is satisfied by hosts.server alone (chain.host follows it) or a literal chain.host', () => {
    expect(lint('nfv', `        clients: { remote: ${REMOTE} }\n        hosts: { server: 211.0.0.101 }\n`)).toEqual([]);
    expect(lint('nfv', `        clients: { remote: ${REMOTE} }\n        settings: { chain: { host: 211.0.0.101 } }\n`)).toEqual([]);
  });

  it('suggests hosts.server when a literal loopback chain.host overrides it', () => {
    const [issue] = lint('nfv', `        clients: { remote: ${REMOTE} }\n        hosts: { server: 211.0.0.101 }\n        settings: { chain: { host: 127.0.0.1 } }\n`);
    expect(issue!.path).toEqual(['workload', 'settings', 'chain', 'host']);
    expect(issue!.hint).toMatch(/e\.g\. 211\.0\.0\.101, as in hosts\.server/);
  });

  it('points at a per-stage listen_host that overrides a good chain.host with loopback', () => {
    const issues = lint('nfv', `        clients: { remote: ${REMOTE} }\n        settings: { chain: { host: 211.0.0.101 }, stages: { nat: { listen_host: localhost } } }\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['workload', 'settings', 'stages', 'nat', 'listen_host']);
    expect(issues[0]!.message).toMatch(/\(nat listens on localhost\)$/);
  });

  it('reads literal --listen-host flags, {{hosts.*}} templates and the programs’ loopback default in commands', () => {
    project.workload(
      'chain',
      `hosts: { edge: "::1" }
servers:
  - name: fw
    command: node --import tsx experiments/workloads/nfv/firewall.ts --listen-host 127.0.0.1 --port 1 --next-port 2
  - name: nat
    command: node --import tsx experiments/workloads/nfv/nat.ts --listen-host={{hosts.edge}} --port 2 --next-port 3
  - name: sink
    command: node --import tsx experiments/workloads/nfv/sink.ts --port 3
  - name: ok
    command: node --import tsx experiments/workloads/nfv/monitor.ts --chain-host 10.0.0.5 --listen-host "" --port 4 --next-port 3
clients:
  - name: gen
    generator: node gen.js
    remote: { host: [gen1, gen2], metrics_dir: ~/m }
lint: { loopback_with_remote: warn }
`,
    );
    const issues = lint('chain');
    expect(issues.map((i) => i.path)).toEqual([
      ['workload', 'servers', 0, 'command'],
      ['workload', 'hosts', 'edge'],
      ['workload', 'servers', 2, 'command'],
    ]);
    expect(issues.map((i) => i.message.replace(/.*runs on /, ''))).toEqual([
      'gen1, gen2 (fw listens on 127.0.0.1)',
      'gen1, gen2 (nat listens on ::1)',
      'gen1, gen2 (sink listens on 127.0.0.1)',
    ]);
    expect(issues[0]!.hint).toMatch(/--chain-host \{\{settings\.chain\.host\}\}/);
    expect(issues[1]!.hint).toMatch(/^set hosts\.edge to the server node's address/);
  });

  it('judges a chain declared only in settings when no stage command is recognised', () => {
    project.workload(
      'custom',
      `servers: [{ name: chain, command: ./my-chain --config chain.toml }]
clients: { name: gen, generator: ./gen, remote: { host: gen1, metrics_dir: ~/m } }
settings: { chain: { host: 127.0.0.1 }, stages: { a: { listen_host: "" }, b: { listen_host: 10.1.1.1 } } }
lint: { loopback_with_remote: warn }
`,
    );
    expect(lint('custom')).toMatchObject([{ path: ['workload', 'settings', 'chain', 'host'], message: expect.stringMatching(/\(a listens on 127\.0\.0\.1\)$/) }]);
  });

  it('stays quiet when the lint is off, the "remote" host is this node, or the workload is no chain', () => {
    expect(lint('nfv', `        clients: { remote: ${REMOTE} }\n        lint: { loopback_with_remote: "off" }\n`)).toEqual([]);
    expect(lint('nfv', `        clients: { remote: { host: localhost, metrics_dir: ~/m } }\n`)).toEqual([]);
    expect(lint('kv', `        clients: { remote: ${REMOTE} }\n`)).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it('knows the loopback spellings and nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'ip6-localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['211.0.0.101', '0.0.0.0', '::', 'gen1', '10.0.0.1', 'localhost.example.com', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});
