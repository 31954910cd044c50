// Issue 17: hostile and broken descriptors. Every case must end in a ConfigError whose issues carry
// file:line:column (exit 2 at the CLI), never an internal error, a hang, or a silently wrong plan.
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../harness/config/config-error.ts';
import { YamlSource } from '../../harness/config/yaml-source.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.workload('tiny', TINY_WORKLOAD);
});
afterEach(() => project.dispose());

const SUITE = 'experiments/configs/experiments/s.yaml';
const entry = (extra = '', config = 'experiments/configs/workloads/tiny.yaml'): string => `workloads:\n  - name: t\n    config: ${config}\n    modes: [baseline]\n${extra}`;

function issuesOf(suite = 's'): ConfigIssue[] {
  try {
    planSuite(suite, { rootDir: project.root });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const i of err.issues) expect(i.line, `${i.file} ${i.message}`).toBeGreaterThan(0);
      return err.issues;
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('prototype keys', () => {
  it('rejects a parameter named workload.__proto__.polluted and leaves Object.prototype alone', () => {
    project.suite('s', entry(`    parameters:\n      workload.__proto__.polluted: [1, 2]\n`));
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ file: SUITE, line: 6, column: 7, keyPath: 'workloads[0].parameters.workload.__proto__.polluted' });
    expect(issue!.message).toMatch(/`__proto__` cannot be used/);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects parameters: {__proto__: {x: [1, 2]}} instead of dropping the axis', () => {
    project.suite('s', entry(`    parameters:\n      __proto__: { x: [1, 2] }\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 6, keyPath: 'workloads[0].parameters.__proto__' });
  });

  it('rejects constructor and prototype anywhere, also in a workload config', () => {
    project.workload('w', `${TINY_WORKLOAD}settings:\n  constructor: 1\n  x:\n    prototype: 2\n`);
    project.suite('s', entry('', 'experiments/configs/workloads/w.yaml'));
    expect(issuesOf().map((i) => [i.file, i.line, i.keyPath])).toEqual([
      ['experiments/configs/workloads/w.yaml', 10, 'settings.constructor'],
      ['experiments/configs/workloads/w.yaml', 12, 'settings.x.prototype'],
    ]);
  });


  it('rejects an agent_params target that names a prototype key', () => {
    project.workload('w', `${TINY_WORKLOAD}instrumentation:\n  agent_params: { rate: "sampling.__proto__.polluted" }\n`);
    project.suite('s', entry(`    parameters: { rate: [1] }\n`, 'experiments/configs/workloads/w.yaml'));
    expect(issuesOf()[0]).toMatchObject({ file: 'experiments/configs/workloads/w.yaml', line: 10, keyPath: 'instrumentation.agent_params.rate' });
  });
});

describe('YAML that the yaml package mishandles', () => {
  it('reports an alias bomb at the alias, not "Excessive alias count"', () => {
    const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    project.suite('s', `${entry()}annotations_bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    const issues = issuesOf();
    expect(issues.some((i) => /alias bomb/.test(i.message) && i.file === SUITE && i.line >= 6)).toBe(true);
  });

  it('reports a self-referencing anchor as a cycle at the alias', () => {
    project.suite('s', `${entry()}    overrides: &o\n      annotations: { self: *o }\n`);
    const [issue] = issuesOf();
    expect(issue).toMatchObject({ file: SUITE, line: 6, keyPath: 'workloads[0].overrides.annotations.self' });
    expect(issue!.message).toMatch(/refers to the node that contains it/);
  });

  it('reports an unresolved alias where it is used', () => {
    project.suite('s', entry(`    repetitions: *reps\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 5, column: 18, message: 'unresolved alias `*reps`' });
  });

  it('reports NUL bytes and invalid UTF-8 with their position', () => {
    project.suite('s', entry(`    overrides: { annotations: { a: "x\\0y" } }\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 5, message: expect.stringMatching(/NUL byte/) });
    project.write(SUITE, Buffer.concat([Buffer.from(entry('    overrides: { annotations: { a: "')), Buffer.from([0xff, 0xfe]), Buffer.from('" } }\n')]) as unknown as string);
    expect(issuesOf()[0]).toMatchObject({ line: 5, column: 37, message: expect.stringMatching(/invalid UTF-8 \(byte 0xff\)/) });
    project.write(SUITE, `${entry()}\0\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 5, column: 1, message: expect.stringMatching(/a NUL byte/) });
  });

  it('checks duplicate keys of a mapping with 40,000 keys (a set per mapping, not pairwise)', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k17: again');
    const { issues } = YamlSource.parse('big.yaml', `settings:\n${keys.join('\n')}\n`);
    expect(issues).toEqual([expect.objectContaining({ line: 40_002, column: 3, message: 'duplicate key `k17` (first at line 19)' })]);
  });
});

describe('files a descriptor names', () => {
  it('refuses config: /proc/self/mem (EIO), a FIFO and a folder at the config line', () => {
    project.suite('s', entry('', '/proc/self/mem'));
    expect(issuesOf()[0]).toMatchObject({ file: SUITE, line: 3, keyPath: 'workloads[0].config', message: expect.stringMatching(/\/proc\/self\/mem: .*(I\/O error|cannot be read)/) });
    const fifo = path.join(project.root, 'w.fifo');
    execFileSync('mkfifo', [fifo]);
    project.suite('s', entry('', 'w.fifo'));
    expect(issuesOf()[0]!.message).toMatch(/w\.fifo: YAML file is a FIFO/);
    project.suite('s', entry('', 'experiments'));
    expect(issuesOf()[0]!.message).toMatch(/a directory/);
  });

  it('refuses patches that are devices, FIFOs, /dev/stdin or folders, at the patch line', () => {
    execFileSync('git', ['init', '-q', project.root]);
    execFileSync('git', ['-C', project.root, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'base']);
    symlinkSync('/dev/zero', path.join(project.root, 'zero.patch'));
    execFileSync('mkfifo', [path.join(project.root, 'fifo.patch')]);
    project.suite('s', entry(`    mutations:\n      - { name: zero, patch: zero.patch }\n      - { name: fifo, patch: fifo.patch }\n      - { name: stdin, patch: /dev/stdin }\n      - { name: etc, patch: /etc }\n`));
    const issues = issuesOf();
    expect(issues.map((i) => [i.line, i.keyPath])).toEqual([
      [6, 'workloads[0].mutations[0].patch'],
      [7, 'workloads[0].mutations[1].patch'],
      [8, 'workloads[0].mutations[2].patch'],
      [9, 'workloads[0].mutations[3].patch'],
    ]);
    expect(issues[0]!.message).toMatch(/character device/);
    expect(issues[1]!.message).toMatch(/FIFO/);
    expect(issues[3]!.message).toMatch(/directory/);
  });
});

describe('names that become paths', () => {
  it('rejects a suite name that would leave suites/ and writes nothing', () => {
    project.suite('s', `name: ../../../../tmp/x/escaped-suite\n${entry()}`);
    expect(issuesOf()[0]).toMatchObject({ line: 1, keyPath: 'name' });
    expect(existsSync(path.join(project.root, 'suites'))).toBe(false);
  });

  it('rejects a file name that cannot name a suite', () => {
    project.suite('bad name', entry());
    expect(issuesOf('bad name')[0]!.message).toMatch(/suite name: .*cannot name a file safely/);
  });

  it('rejects names of 65+ characters and names starting with a dot', () => {
    project.workload('w', `server:\n  name: ${'s'.repeat(300)}\n  command: sleep 1\nclients:\n  name: ..\n  generator: echo\n`);
    project.suite('s', entry('', 'experiments/configs/workloads/w.yaml'));
    const issues = issuesOf();
    expect(issues.map((i) => i.keyPath)).toEqual(['server.name', 'clients.name']);
    expect(issues[0]!.message).toMatch(/at most 64 characters/);
  });

  it('rejects two clients or two servers with the same name (they would share a log)', () => {
    project.workload('w', `servers:\n  - { name: a, command: sleep 1 }\n  - { name: a, command: sleep 2 }\nclients:\n  - { name: g, generator: echo }\n  - { name: g, generator: echo }\n`);
    project.suite('s', entry('', 'experiments/configs/workloads/w.yaml'));
    const issues = issuesOf();
    expect(issues.map((i) => [i.line, i.keyPath])).toEqual([
      [3, 'servers[1].name'],
      [6, 'clients[1].name'],
    ]);
    expect(issues[1]!.message).toMatch(/two clients are named `g`: they would share the log g_client.log and metrics\/g.json/);
  });
});

describe('values the schema must bound', () => {
  it('rejects timeout_s beyond what a Node timer holds', () => {
    project.suite('s', entry(`    timeout_s: 1e10\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 5, keyPath: 'workloads[0].timeout_s', message: expect.stringMatching(/at most 2147483 s/) });
  });

  it('rejects environment keys a remote shell cannot export', () => {
    project.workload('w', `server:\n  command: sleep 1\nclients:\n  generator: echo\n  env: { BAD-NAME: 1 }\n  remote: { host: gen1, metrics_dir: /tmp/m }\n`);
    project.suite('s', entry('', 'experiments/configs/workloads/w.yaml'));
    expect(issuesOf()[0]).toMatchObject({ line: 5, message: expect.stringMatching(/environment variable names/) });
  });

  it('accepts a templated ready URL and checks it once expanded', () => {
    project.workload('w', `server:\n  command: sleep 1\n  ports: { kv: 6390 }\n  ready: { http: "http://127.0.0.1:{{ports.kv}}/" }\nclients:\n  generator: echo\n`);
    project.suite('s', entry('', 'experiments/configs/workloads/w.yaml'));
    expect(planSuite('s', { rootDir: project.root }).runs).toHaveLength(1);
    project.workload('w', `server:\n  command: sleep 1\n  ready: { http: "{{settings.url}}" }\nclients:\n  generator: echo\nsettings: { url: "not a url" }\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 3, message: 'ready.http is not an http(s) URL once expanded: not a url' });
    project.workload('w', `server:\n  command: sleep 1\n  ready: { http: "nope" }\nclients:\n  generator: echo\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 3, keyPath: 'server.ready.http' });
  });
});

describe('YamlSource reads', () => {
  it('refuses a file above the size limit without reading it whole', () => {
    const file = path.join(project.root, 'huge.yaml');
    writeFileSync(file, '');
    execFileSync('truncate', ['-s', '17M', file]);
    expect(YamlSource.read(file).issues[0]!.message).toMatch(/more than the limit/);
  });
});
