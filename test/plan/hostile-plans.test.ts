// Issue 17: plans that were accepted with exit 0 but wrong, and commands that reached an internal
// error. Each must now be a located ConfigError (or, for `$`, kept verbatim).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../harness/config/config-error.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { renderRunCommands } from '../../harness/plan/render-run.ts';
import { deepMerge, PrototypeKeyError, setPath } from '../../harness/plan/merge.ts';
import { TempProject, TINY_WORKLOAD } from '../helpers/temp-project.ts';

let project: TempProject;
beforeEach(() => {
  project = new TempProject();
  project.workload('tiny', TINY_WORKLOAD);
});
afterEach(() => project.dispose());

const WL = 'experiments/configs/workloads/w.yaml';
const entry = (extra = '', config = 'experiments/configs/workloads/tiny.yaml', modes = '[baseline]'): string => `workloads:\n  - name: t\n    config: ${config}\n    modes: ${modes}\n${extra}`;

function issuesOf(options = {}): ConfigIssue[] {
  try {
    planSuite('s', { rootDir: project.root, ...options });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const i of err.issues) expect(i.line, i.message).toBeGreaterThan(0);
      return err.issues;
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}
const withWorkload = (yaml: string, modes = '[baseline]'): void => {
  project.workload('w', yaml);
  project.suite('s', entry('', WL, modes));
};
const argvOf = (yaml: string): string[] => {
  withWorkload(yaml);
  const run = planSuite('s', { rootDir: project.root }).runs[0]!;
  return renderRunCommands(run, { rootDir: project.root, artifactDir: '/tmp/a' }).servers[0]!.argv;
};

describe('commands', () => {
  it('locates `;` in observer_command like in server.command', () => {
    withWorkload(`${TINY_WORKLOAD}instrumentation:\n  observer_command: "agent --config {{agent_config}}; rm -rf /"\n`, '[microsentinel]');
    expect(issuesOf()[0]).toMatchObject({ file: WL, line: 10, keyPath: 'instrumentation.observer_command', message: expect.stringMatching(/`;` needs a shell/) });
  });

  it('rejects an empty argv (command: "   ") and an empty program after templates', () => {
    withWorkload(`server:\n  command: "   "\nclients:\n  generator: echo\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 2, keyPath: 'server.command', message: expect.stringMatching(/the command is empty/) });
    withWorkload(`server:\n  command: ["{{settings.bin}}", "x"]\nclients:\n  generator: echo\nsettings: { bin: "" }\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 2, message: expect.stringMatching(/program name is empty/) });
  });

  it('rejects `#` starting a word in a folded command instead of swallowing the rest', () => {
    withWorkload(`server:\n  command: >-\n    node server.js # the port\n    --port 7000\nclients:\n  generator: echo\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 2, keyPath: 'server.command', message: expect.stringMatching(/`#` at column 16 would start a shell comment/) });
    expect(argvOf(`server:\n  command: curl http://x/#frag a#b "#c"\nclients:\n  generator: echo\n`)).toEqual(['curl', 'http://x/#frag', 'a#b', '#c']);
  });

  it('keeps ${HOME}x and $HOME verbatim (no shell expands them)', () => {
    expect(argvOf(`server:\n  command: prog \${HOME}x "$HOME" '$X' \\$Y\nclients:\n  generator: echo\n`)).toEqual(['prog', '${HOME}x', '$HOME', '$X', '$Y']);
  });

  it('rejects unterminated quotes', () => {
    withWorkload(`server:\n  command: "prog 'unterminated"\nclients:\n  generator: echo\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 2, message: 'unterminated single quote opened at column 6' });
  });
});

describe('templates', () => {
  it.each([
    ['{{ }}', /malformed template at column 6/],
    ['{{ports.main}', /malformed template at column 6/],
    ['{{ports main}}', /malformed template/],
  ])('rejects the malformed template %s', (tpl, message) => {
    withWorkload(`server:\n  command: sleep 1\n  ports: { main: 7000 }\nclients:\n  generator: echo ${tpl}\n`);
    expect(issuesOf()[0]).toMatchObject({ line: 5, keyPath: 'clients.generator', message: expect.stringMatching(message) });
  });

  it('stops settings that double 30 times at the setting (no "Invalid string length")', () => {
    const settings = Array.from({ length: 30 }, (_, i) => `  s${i}: "{{settings.s${i + 1}}}{{settings.s${i + 1}}}"`).join('\n');
    withWorkload(`server:\n  command: prog {{settings.s0}}\nclients:\n  generator: echo\nsettings:\n${settings}\n  s30: x\n`);
    const [issue] = issuesOf();
    expect(issue!.file).toBe(WL);
    expect(issue!.keyPath).toMatch(/^settings\.s\d+$/);
    expect(issue!.message).toMatch(/expands to more than 65536 characters/);
  });
});

describe('empty plans', () => {
  it('rejects an empty axis (it plans no run)', () => {
    project.suite('s', entry(`    parameters:\n      rate: []\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 6, keyPath: 'workloads[0].parameters.rate', message: expect.stringMatching(/empty list: an axis with no values plans no runs/) });
    project.suite('s', entry(`    parameters:\n      group: { k: [] }\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 6, keyPath: 'workloads[0].parameters.group.k' });
  });

  it('rejects an exclude that removes every combination', () => {
    project.suite('s', entry(`    parameters:\n      rate: [1, 2]\n      exclude:\n        - { rate: 1 }\n        - { rate: 2 }\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 8, keyPath: 'workloads[0].parameters.exclude', message: '`exclude` removes all 2 combinations: no run is left' });
  });
});

describe('the run limit', () => {
  it('refuses a suite above --max-runs before expanding it, and plans it when raised', () => {
    project.suite('s', entry(`    repetitions: 10\n    parameters:\n      a: [${Array.from({ length: 100 }, (_, i) => i).join(', ')}]\n      b: [${Array.from({ length: 100 }, (_, i) => i).join(', ')}]\n      c: [${Array.from({ length: 100 }, (_, i) => i).join(', ')}]\n`));
    expect(issuesOf()[0]).toMatchObject({ line: 7, message: expect.stringMatching(/1,000,000 combinations \(10,000,000 runs with modes and repetitions\), more than the limit of 100,000 runs/) });
    project.suite('s', entry(`    repetitions: 3\n    parameters:\n      a: [1, 2, 3, 4]\n`, undefined, '[baseline, perf]'));
    expect(issuesOf({ maxRuns: 20 })[0]).toMatchObject({ line: 7, message: expect.stringMatching(/4 combinations \(24 runs with modes and repetitions\), more than the limit of 20 runs/) });
    expect(planSuite('s', { rootDir: project.root, maxRuns: 24 }).runs).toHaveLength(24);
  });
});

describe('merging refuses prototype keys from any source', () => {
  it('deepMerge and setPath throw instead of reaching Object.prototype', () => {
    expect(() => deepMerge({}, JSON.parse('{"__proto__": {"polluted": 1}}'))).toThrow(PrototypeKeyError);
    expect(() => setPath({}, ['workload', '__proto__', 'polluted'], 1)).toThrow(PrototypeKeyError);
    expect(() => setPath({}, ['constructor', 'prototype', 'polluted'], 1)).toThrow(PrototypeKeyError);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});
