// .ci/run does what the README tells a newcomer (the same test command, whose pretest installs the
// system packages), and keeps the bench and the mutation example from rotting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

const read = (rel: string): string => readFileSync(path.join(PACKAGE_ROOT, rel), 'utf8');
const ciLines = (): string[] => read('.ci/run').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('.ci/run', () => {
  it('runs the README’s test command, whose pretest installs what the tests need', () => {
    const commands = /```bash(?: not-in-ci)?\n([\s\S]*?)```/.exec(read('README.md'))![1]!.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci && npx harness run --suite sanity', 'npm test']);
    expect(ciLines()).toContain('npm test');
    // …and the doc-test, which runs every other command README.md and docs/ show.
    expect(ciLines().indexOf('npm run test:docs')).toBeGreaterThan(ciLines().indexOf('npm test'));
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.pretest).toBe('bash .ci/install-deps.sh && bash .ci/install-chdb.sh');
  });

  it('runs the regression suite and the bench’s quick mode, the latter once the testbed is up', () => {
    const lines = ciLines();
    const at = (pattern: RegExp): number => lines.findIndex((l) => pattern.test(l));
    expect(at(/^npx harness run --suite regression /)).toBeGreaterThan(at(/^npm test$/));
    // The suite's summary goes to the check that the mutation is detected (ci-scripts.test.ts).
    expect(lines[at(/--suite regression/)]).toContain('--summary reports/regression.json');
    expect(at(/^bash \.ci\/check-mutation-detected\.sh reports\/regression\.json /)).toBe(at(/--suite regression/) + 1);
    expect(at(/^npm run -s bench -- --quick$/)).toBeGreaterThan(at(/testbed:up/));
  });

  it('the bench refuses an unknown argument with exit 2', async () => {
    const res = await execa('bash', ['bench/run.sh', '--fast'], { cwd: PACKAGE_ROOT, reject: false, all: true });
    expect(res.exitCode).toBe(2);
    expect(res.all).toBe("bench: unknown argument '--fast' (only --quick)");
  });
});
