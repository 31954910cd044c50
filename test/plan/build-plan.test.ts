import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { renderRunCommands } from '../../harness/plan/render-run.ts';
import { TempProject } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.workload(
    'w',
    `server:
  name: srv
  command: server --level {{settings.level}} --mode "{{run.mode}}"
  env: { LEVEL: "{{settings.level}}", KEEP: "$HOME" }
  ports: { main: 7000 }
clients:
  name: gen
  generator: gen --port {{ports.main}}
settings:
  level: file
instrumentation:
  perf_freq: 99
annotations:
  from: file
`,
  );
});
afterEach(() => project.dispose());

const plan = (yaml: string, options = {}) => {
  project.suite('s', yaml);
  return planSuite('s', { rootDir: project.root, ...options });
};
const entry = (extra: string) => `workloads:\n  - name: w\n    config: experiments/configs/workloads/w.yaml\n${extra}`;

describe('expansion', () => {
  it('runs = modes × variants × repetitions, with readable names', () => {
    const p = plan(entry(`    modes: [baseline, perf]\n    repetitions: 3\n    parameters:\n      rate: [1, 2]\n      rate_scan: { samples_per_core: [5] }\n`));
    expect(p.runs).toHaveLength(12);
    expect(p.runs[0]!.name).toBe('w/baseline/rate=1,rate_scan.samples_per_core=5/0');
  });

  it('interleaves repetitions by default so drift does not bias one mode', () => {
    const p = plan(entry(`    modes: [baseline, perf]\n    repetitions: 2\n    parameters:\n      rate: [1, 2]\n`));
    expect(p.runs.map((r) => `${r.mode}:${r.variant.label}:${r.repetition}`)).toEqual([
      'baseline:rate=1:0', 'perf:rate=1:0', 'baseline:rate=2:0', 'perf:rate=2:0',
      'baseline:rate=1:1', 'perf:rate=1:1', 'baseline:rate=2:1', 'perf:rate=2:1',
    ]);
  });

  it('supports blocked and seeded random order', () => {
    const blocked = plan(`order: blocked\n${entry(`    modes: [baseline, perf]\n    repetitions: 2\n`)}`);
    expect(blocked.runs.map((r) => `${r.mode}:${r.repetition}`)).toEqual(['baseline:0', 'baseline:1', 'perf:0', 'perf:1']);
    const a = plan(`order: random\nseed: 7\n${entry(`    modes: [baseline, perf]\n    repetitions: 10\n`)}`).runs.map((r) => r.id);
    const b = plan(`order: random\nseed: 7\n${entry(`    modes: [baseline, perf]\n    repetitions: 10\n`)}`).runs.map((r) => r.id);
    const c = plan(`order: random\nseed: 8\n${entry(`    modes: [baseline, perf]\n    repetitions: 10\n`)}`).runs.map((r) => r.id);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a].sort()).toEqual([...c].sort());
  });

  it('runs each repetition block\'s baseline before its other modes under random order', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const runs = plan(`order: random\nseed: ${seed}\n${entry(`    modes: [perf, microsentinel, baseline]\n    repetitions: 6\n    parameters:\n      rate: [1, 2]\n`)}`).runs;
      const late = runs.filter((r, i) => r.mode !== 'baseline' && !runs.slice(0, i).some((b) => b.mode === 'baseline' && b.variant.label === r.variant.label && b.repetition === r.repetition));
      expect(late.map((r) => r.name), `seed ${seed}`).toEqual([]);
    }
  });

  it('gives stable ids that change with the resolved spec', () => {
    const first = plan(entry(`    modes: [baseline]\n`)).runs[0]!.id;
    expect(plan(entry(`    modes: [baseline]\n`)).runs[0]!.id).toBe(first);
    expect(plan(entry(`    modes: [baseline]\n    overrides:\n      workload: { settings: { level: x } }\n`)).runs[0]!.id).not.toBe(first);
  });
});

describe('override merge order: config < suite < entry < variant < command line', () => {
  it('applies each layer over the one below, deep-merging mappings and replacing lists', () => {
    const p = plan(
      `overrides:
  workload: { settings: { level: suite, list: [1, 2, 3] } }
  instrumentation: { perf_freq: 199, pmu_events: [a, b] }
  annotations: { from: suite, suite_only: 1 }
${entry(`    modes: [perf]
    parameters:
      instrumentation.perf_freq: [4000]
    overrides:
      workload: { settings: { list: [9] } }
      instrumentation: { pmu_events: [c] }
      annotations: { from: entry }
`)}`,
      { overrides: { perfFreq: 2000, metricsPort: 9105 } },
    );
    const cfg = p.runs[0]!.resolved.config;
    expect(cfg.workload.settings).toEqual({ level: 'suite', list: [9] });
    expect(cfg.instrumentation.pmu_events).toEqual(['c']);
    expect(cfg.instrumentation.perf_freq).toBe(2000); // the command line is the last layer
    expect(p.warnings).toContain('w: --perf-freq 2000 replaces the parameter instrumentation.perf_freq in every variant (the command line is the last layer of the merge)');
    expect(cfg.instrumentation.metrics_port).toBe(9105); // CLI flag
    expect(cfg.annotations).toEqual({ from: 'entry', suite_only: 1 });
  });

  it('lets the CLI flag beat descriptor overrides', () => {
    const p = plan(`overrides:\n  instrumentation: { perf_freq: 199 }\n${entry(`    modes: [perf]\n`)}`, { overrides: { perfFreq: 2000 } });
    expect(p.runs[0]!.resolved.config.instrumentation.perf_freq).toBe(2000);
  });

  it('changes the run id with flags, never the base id the generated file records', () => {
    const yaml = `overrides:\n  instrumentation: { perf_freq: 199 }\n${entry(`    modes: [baseline, perf]\n    repetitions: 2\n`)}`;
    const bare = plan(yaml);
    const flagged = plan(yaml, { overrides: { perfFreq: 2000, metricsPort: 9105 } });
    expect(flagged.runs.map((r) => r.baseId)).toEqual(bare.runs.map((r) => r.id));
    expect(bare.runs.every((r) => r.baseId === r.id)).toBe(true);
    flagged.runs.forEach((r, i) => expect(r.id).not.toBe(bare.runs[i]!.id));
    expect(flagged.workloads[0]!.chunks.map((c) => c.digest)).toEqual(bare.workloads[0]!.chunks.map((c) => c.digest));
    // Another flag value is another run: --resume never reuses a result measured with other flags.
    expect(plan(yaml, { overrides: { perfFreq: 999 } }).runs[0]!.id).not.toBe(flagged.runs[0]!.id);
  });

  it('says when a flag has no effect (perf stat does not sample)', () => {
    const p = plan(`overrides:\n  instrumentation: { perf_mode: stat }\n${entry(`    modes: [perf]\n`)}`, { overrides: { perfFreq: 2000 } });
    expect(p.warnings).toEqual([expect.stringMatching(/^w: --perf-freq 2000 has no effect: its perf mode runs `perf stat`/)]);
    expect(plan(`overrides:\n  instrumentation: { perf_mode: stat }\n${entry(`    modes: [perf]\n`)}`).warnings).toEqual([]);
  });
});

describe('templates and parameter environment', () => {
  it('renders {{...}} per argument and exports HARNESS_PARAM_*', () => {
    project.workload('w', `server:\n  name: srv\n  command: server --level {{settings.level}} --mode "{{run.mode}}"\n  env: { LEVEL: "{{settings.level}}", KEEP: "$HOME" }\n  ports: { main: 7000 }\nclients:\n  name: gen\n  generator: gen --rate {{params.rate}} --port {{ports.main}} --delta {{params.rate_scan.samples_per_core}}\nsettings:\n  level: file\n`);
    const p = plan(entry(`    modes: [baseline]\n    parameters:\n      rate: ["10 k; rm -rf ~"]\n      rate_scan: { samples_per_core: [500] }\n`));
    const cmds = renderRunCommands(p.runs[0]!, { rootDir: project.root, artifactDir: '/tmp/a' });
    expect(cmds.servers[0]!.argv).toEqual(['server', '--level', 'file', '--mode', 'baseline']);
    expect(cmds.servers[0]!.env).toMatchObject({ LEVEL: 'file', KEEP: '$HOME', HARNESS_PARAM_RATE: '10 k; rm -rf ~', HARNESS_PARAM_RATE_SCAN_SAMPLES_PER_CORE: '500' });
    // A parameter value stays one argument, whatever it contains.
    expect(cmds.clients[0]!.argv).toEqual(['gen', '--rate', '10 k; rm -rf ~', '--port', '7000', '--delta', '500', '--metrics-file', '/tmp/a/metrics/gen.json']);
  });

  it('expands templates inside settings values, following settings that name settings', () => {
    project.workload('w', `server:\n  name: srv\n  command: srv --listen {{settings.chain.host}} --url {{settings.url}}\n  ports: { main: 7000 }\nclients:\n  name: gen\n  generator: gen --to {{settings.chain.host}}\nsettings:\n  url: "http://{{settings.chain.host}}:{{ports.main}}/{{run.mode}}"\n  chain: { host: "{{hosts.server}}" }\n`);
    const local = plan(entry(`    modes: [baseline]\n`));
    expect(renderRunCommands(local.runs[0]!, { rootDir: project.root, artifactDir: '/tmp/a' }).servers[0]!.argv).toEqual(['srv', '--listen', '127.0.0.1', '--url', 'http://127.0.0.1:7000/baseline']);
    // One place to say where the server node is: hosts.server reaches every setting built on it.
    const twoNode = plan(entry(`    modes: [baseline]\n    overrides: { workload: { hosts: { server: 10.211.0.1 } } }\n`));
    const cmds = renderRunCommands(twoNode.runs[0]!, { rootDir: project.root, artifactDir: '/tmp/a' });
    expect(cmds.servers[0]!.argv).toEqual(['srv', '--listen', '10.211.0.1', '--url', 'http://10.211.0.1:7000/baseline']);
    expect(cmds.clients[0]!.argv.slice(0, 3)).toEqual(['gen', '--to', '10.211.0.1']);
  });

  it('renders the perf observer with the run’s frequency and events', () => {
    const p = plan(entry(`    modes: [perf]\n    overrides:\n      instrumentation: { pmu_events: "cpu-clock,task-clock" }\n`));
    const cmds = renderRunCommands(p.runs[0]!, { rootDir: project.root, artifactDir: '/tmp/a' });
    expect(cmds.observer!.argv).toEqual(['perf', 'record', '-F', '99', '-e', 'cpu-clock,task-clock', '-o', '/tmp/a/perf.data', '-p', '{{server_pids}}']);
    expect(cmds.observer!.logFile).toBe('instrumentation_perf.log');
  });

  it('maps variant parameters into the agent config, never onto its command line', () => {
    const p = plan(
      entry(`    modes: [microsentinel]
    parameters:
      rate_scan: { samples_per_core: [500, 1000] }
    overrides:
      instrumentation:
        agent_bin: bin/agent
        metrics_port: 9105
        agent_params: { rate_scan.samples_per_core: sampling.budget }
`),
    );
    const cmds = renderRunCommands(p.runs[1]!, { rootDir: '/r', artifactDir: '/tmp/a' });
    expect(cmds.observer!.argv).toEqual(['/r/bin/agent', '--config=/tmp/a/agent_config.toml', '--metrics-port=9105']);
    expect(cmds.agentConfig!.settings).toEqual({ 'sampling.budget': 1000 });
  });
});

describe('CPU pinning', () => {
  it('wraps commands in taskset and rejects a conflicting numa binding at its line', () => {
    project.workload('pin', `server:\n  name: srv\n  command: server\n  cpus: "0"\nclients:\n  name: gen\n  generator: gen\n  cpus: "1"\n  numa: { cpunodebind: 0 }\n`);
    project.suite('s', `workloads:\n  - name: w\n    config: experiments/configs/workloads/pin.yaml\n    modes: [baseline]\n`);
    let err: unknown;
    try {
      planSuite('s', { rootDir: project.root });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(/pin\.yaml:8:\d+ clients\.cpus: cpus \(taskset\) and numa\.cpunodebind\/physcpubind both set the CPU affinity/);
    project.workload('pin', `server:\n  name: srv\n  command: server\n  cpus: "0"\nclients:\n  name: gen\n  generator: gen\n  metrics_flag: null\n`);
    const run = planSuite('s', { rootDir: project.root }).runs[0]!;
    expect(renderRunCommands(run, { rootDir: project.root, artifactDir: '/tmp/a' }).servers[0]!.argv).toEqual(['taskset', '-c', '0', 'server']);
  });
});

describe('precision targets', () => {
  const precise = (extra = '') =>
    entry(`    modes: [baseline, perf]\n${extra}    precision:\n      min_repetitions: 2\n      max_repetitions: 6\n      targets:\n        - { metric: server_cpu_us_per_req, half_width: 2 }\n`);
  const issuesOf = (yaml: string): string => {
    try {
      plan(yaml);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  it('plans max_repetitions blocks, one generated file per block, each run carrying the targets', () => {
    const p = plan(precise());
    expect(p.runs).toHaveLength(12);
    expect(p.workloads[0]!.chunks).toHaveLength(6);
    expect(p.runs.map((r) => r.repetition)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(p.runs[0]!.precision).toMatchObject({ min_repetitions: 2, max_repetitions: 6, confidence: 0.95 });
    expect(p.warnings).toEqual([]);
  });

  it('says that repetitions: beside precision is not what runs', () => {
    expect(plan(precise('    repetitions: 5\n')).warnings).toEqual(['w: repetitions: 5 is ignored: precision plans max_repetitions blocks and measures until its targets are met (docs/precision.md)']);
  });

  it('refuses precision under order: blocked, and overhead targets without a baseline mode, at their lines', () => {
    expect(issuesOf(`order: blocked\n${precise()}`)).toMatch(/s\.yaml:1:\d+ order: precision targets \(workload w\) decide after every repetition block, which needs order: interleaved; this suite has order: blocked/);
    const noBase = entry(`    modes: [perf]\n    precision:\n      max_repetitions: 6\n      targets:\n        - { metric: server_cpu_us_per_req, half_width: 2 }\n`);
    expect(issuesOf(noBase)).toMatch(/s\.yaml:\d+:\d+ workloads\[0\]\.precision\.targets: overhead targets \(server_cpu_us_per_req\) measure each mode against the same block's baseline, but workload w has no baseline mode/);
  });

  it('refuses change targets on a workload without mutations, at their line, with what to do', () => {
    const noMutations = entry(`    modes: [baseline]\n    precision:\n      max_repetitions: 6\n      targets:\n        - { metric: server_cpu_us_per_req, of: change, half_width: 2, margin: 5 }\n`);
    const message = issuesOf(noMutations);
    expect(message).toMatch(/s\.yaml:\d+:\d+ workloads\[0\]\.precision\.targets: change targets \(server_cpu_us_per_req\) measure each mutation against the unpatched base in the same block, but workload w has no mutations/);
    expect(message).toContain('list the change under the workload\'s mutations: (docs/running.md, "Testing a change") with mutation_base: true');
  });

  it('plans a difference along a parameter as blocks over its values, and refuses a parameter or reference value the entry does not have', () => {
    const along = (params: string, against = '{ injected_us: 0 }') =>
      entry(`    modes: [baseline]\n    parameters:\n${params}    precision:\n      max_repetitions: 4\n      targets:\n        - { metric: server_cpu_us_per_req, of: difference, half_width: 10, against: ${against} }\n`);
    const p = plan(along('      injected_us: [0, 5, 20]\n'));
    // Interleaved: every value of the axis in block 0, then block 1, … (one block = one repetition of every level).
    expect(p.runs.slice(0, 3).map((r) => [r.variant.label, r.repetition])).toEqual([['injected_us=0', 0], ['injected_us=5', 0], ['injected_us=20', 0]]);
    expect(p.runs).toHaveLength(12);
    expect(issuesOf(along('      rate: [1, 2]\n'))).toMatch(/s\.yaml:\d+:\d+ workloads\[0\]\.precision\.targets\[0\]\.against: difference target compares along injected_us, which is not a parameter of workload w/);
    expect(issuesOf(along('      injected_us: [5, 20]\n'))).toMatch(/difference target compares against injected_us = 0, but workload w's variants have injected_us ∈ \{5, 20\}.*add 0 to the values of injected_us/s);
    expect(issuesOf(along('      injected_us: [0]\n'))).toMatch(/every variant of workload w has injected_us = 0: nothing to compare/);
  });
});
