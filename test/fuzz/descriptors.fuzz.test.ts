// Property-based fuzzing of the catalog's descriptors (issue 17, item 7): mutate a suite descriptor
// or one of its workload configs (hostile values at any key, prototype keys, aliases, truncation,
// invalid bytes…) and assert that planning either gives a valid plan (at least one run) or a
// ConfigError whose every issue has file:line:column, never another error; that nothing is written
// outside the temp root; and that each case stays within a time and heap bound (a hang or blow-up
// detector, not a speed test). In-process for speed, plus a few real `harness compile` processes.
//
// `npm test` runs a fixed seed and FUZZ_RUNS (default 60) cases; `npm run fuzz` runs many more with a
// random seed (printed by fast-check on failure; replay with FUZZ_SEED=… FUZZ_RUNS=…).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/config/config-error.ts';
import { PACKAGE_ROOT, SUITES_DIR } from '../../harness/config/project-root.ts';
import { listSuites } from '../../harness/config/load-suite.ts';
import { planSuite } from '../../harness/plan/build-plan.ts';
import { runCli } from '../helpers/cli.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() % 2 ** 31 : 17;
/** Per case: far above a normal plan (tens of ms); a case beyond it has hung or blown up. */
const CASE_LIMIT_MS = 20_000;
const HEAP_LIMIT_BYTES = 1.5 * 1024 ** 3;

let outer: string;
let root: string;
let fifo: string;
const pristine = new Map<string, string>();

beforeAll(() => {
  // The project sits one level down so an escaping write (`../x`) lands where the test can see it.
  outer = mkdtempSync(path.join(os.tmpdir(), 'fuzz-outer-'));
  root = path.join(outer, 'project');
  mkdirSync(root);
  cpSync(path.join(PACKAGE_ROOT, 'experiments', 'configs'), path.join(root, 'experiments', 'configs'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'experiments', 'agents'), path.join(root, 'experiments', 'agents'), { recursive: true });
  cpSync(path.join(PACKAGE_ROOT, 'experiments', 'patches'), path.join(root, 'experiments', 'patches'), { recursive: true });
  // Suites with mutations (regression) plan against a base commit: the copy is a repository too.
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.name=fuzz', '-c', 'user.email=fuzz@localhost', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'catalog');
  fifo = path.join(root, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  for (const dir of [SUITES_DIR, 'experiments/configs/workloads']) {
    for (const f of readdirSync(path.join(root, dir))) pristine.set(`${dir}/${f}`, readFileSync(path.join(root, dir, f), 'utf8'));
  }
});
afterAll(() => rmSync(outer, { recursive: true, force: true }));

const HOSTILE_STRINGS = [
  '../../../escaped', '../../x/y', '/etc/passwd', '/dev/zero', '/proc/self/mem', '/dev/stdin', 'fifo.yaml', '.', '..', '',
  '   ', '__proto__', 'constructor', 'a;b', 'x | y', 'prog # comment', "prog 'unterminated", 'prog ${HOME}x', '$(id)',
  '{{ }}', '{{ports.kv}', '{{nope.nope}}', '{{settings.rate}}{{settings.rate}}', 'http://127.0.0.1:{{ports.kv}}/', 'not a url',
  'x\u0000y', 'é', 's'.repeat(300), 'BAD-NAME', '0-999999', 'SIGBOGUS',
];
const HOSTILE_VALUES: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(0, -1, 1e10, 2 ** 31, Number.MAX_SAFE_INTEGER, 0.5, 65536, true, null),
  fc.constantFrom([], {}, [[]], { __proto__: null, constructor: 1 }, { x: [] }, [1, 'a', null]),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);

type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'rename'; pick: number; key: string }
  | { kind: 'text'; op: 'truncate' | 'bytes' | 'duplicate-line' | 'alias-bomb' | 'self-alias' | 'tabs'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: HOSTILE_VALUES }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'name', 'x.__proto__.y', 'command', '') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), op: fc.constantFrom('truncate', 'bytes', 'duplicate-line', 'alias-bomb', 'self-alias', 'tabs'), at: fc.nat() }) },
);

// Every path in the document (mappings' keys and sequences' indexes), in document order.
function pathsOf(node: Node | null, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const p = [...prefix, String(pair.key.value)];
      out.push(p);
      pathsOf(pair.value as Node | null, p, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      out.push([...prefix, i]);
      pathsOf(item as Node | null, [...prefix, i], out);
    });
  }
  return out;
}

// Apply one mutation to a YAML text; the result may be anything, that is the point.
export function mutate(text: string, m: Mutation): string | Buffer {
  if (m.kind === 'text') {
    const at = text.length === 0 ? 0 : m.at % text.length;
    switch (m.op) {
      case 'truncate':
        return text.slice(0, at);
      case 'bytes':
        return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff, 0x00, 0xc3]), Buffer.from(text.slice(at))]);
      case 'duplicate-line': {
        const lines = text.split('\n');
        const i = m.at % lines.length;
        lines.splice(i, 0, lines[i]!);
        return lines.join('\n');
      }
      case 'alias-bomb': {
        const levels = ['b0: &b0 [x, x, x, x, x, x, x, x, x, x]'];
        for (let i = 1; i < 8; i++) levels.push(`b${i}: &b${i} [${Array(10).fill(`*b${i - 1}`).join(', ')}]`);
        return `${text}\nbomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
      }
      case 'self-alias':
        return text.replace(/^(\w+):/m, '$1: &self\n  loop: *self\n  was:');
      case 'tabs':
        return text.replace(/ {2}/, '\t');
    }
  }
  const doc = parseDocument(text);
  const paths = pathsOf(doc.contents as Node | null);
  if (paths.length === 0) return text;
  const target = paths[m.pick % paths.length]!;
  if (m.kind === 'set') doc.setIn(target, doc.createNode(m.value));
  else if (m.kind === 'delete') doc.deleteIn(target);
  else {
    const last = target[target.length - 1];
    if (typeof last !== 'string') return text;
    const value = doc.getIn(target);
    doc.deleteIn(target);
    doc.setIn([...target.slice(0, -1), m.key], value);
  }
  return doc.toString();
}

// Which files a suite reads: the descriptor and its workload configs.
function filesOf(suite: string): string[] {
  const rel = `${SUITES_DIR}/${suite}.yaml`;
  const configs = [...pristine.get(rel)!.matchAll(/config: (experiments\/configs\/workloads\/\S+\.yaml)/g)].map((m) => m[1]!);
  return [rel, ...new Set(configs)];
}

function restore(): void {
  for (const [rel, text] of pristine) writeFileSync(path.join(root, rel), text);
}

// Plan one mutant; throws (failing the property) on anything but a plan or a located ConfigError.
function checkMutant(suite: string, file: string, m: Mutation): void {
  restore();
  writeFileSync(path.join(root, file), mutate(pristine.get(file)!, m));
  const started = performance.now();
  try {
    const plan = planSuite(suite, { rootDir: root });
    expect(plan.runs.length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`${suite} with ${file} mutated by ${JSON.stringify(m)}: not a ConfigError: ${(err as Error).stack}`);
    for (const issue of err.issues) {
      expect(issue.line, err.message).toBeGreaterThan(0);
      expect(issue.column, err.message).toBeGreaterThan(0);
      expect(issue.file, err.message).toMatch(/\S/);
    }
  }
  expect(performance.now() - started, `${file} ${JSON.stringify(m)}`).toBeLessThan(CASE_LIMIT_MS);
  expect(process.memoryUsage().heapUsed).toBeLessThan(HEAP_LIMIT_BYTES);
  expect(readdirSync(outer)).toEqual(['project']);
}

const suiteAndFile = (): fc.Arbitrary<{ suite: string; file: string }> =>
  fc.constantFrom(...listSuites(root)).chain((suite) => fc.constantFrom(...filesOf(suite)).map((file) => ({ suite, file })));

describe('fuzzed catalog descriptors', () => {
  it('the unmutated catalog plans', () => {
    for (const suite of listSuites(root)) expect(planSuite(suite, { rootDir: root }).runs.length).toBeGreaterThan(0);
  });

  it(`plan or a located error, no write outside the root, bounded (${RUNS} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(suiteAndFile(), mutationArb, ({ suite, file }, m) => checkMutant(suite, file, m)),
      { seed: SEED, numRuns: RUNS },
    );
  }, 600_000);

  it('real `harness compile` processes exit 0 or 2 with a location and write only under suites/', async () => {
    const cases = fc.sample(fc.tuple(suiteAndFile(), mutationArb), { seed: SEED, numRuns: 1 });
    // Plus the reproducer of an escaping suite name.
    cases.push([{ suite: 'sanity', file: `${SUITES_DIR}/sanity.yaml` }, { kind: 'set', pick: 0, value: '../../../../escaped-suite' }]);
    for (const [{ suite, file }, m] of cases) {
      restore();
      rmSync(path.join(root, 'suites'), { recursive: true, force: true });
      writeFileSync(path.join(root, file), mutate(pristine.get(file)!, m));
      const res = await runCli(['compile', '--suite', suite], { cwd: root, timeout: 120_000 });
      const what = `${file} ${JSON.stringify(m)}: ${res.all}`;
      expect(res.timedOut, what).toBe(false);
      expect([0, 2], what).toContain(res.exitCode);
      if (res.exitCode === 2) expect(res.all, what).toMatch(/:\d+:\d+ /);
      expect(res.all, what).not.toMatch(/\n\s+at .*\.ts:\d+/);
      expect(readdirSync(outer)).toEqual(['project']);
    }
  }, 600_000);
});
