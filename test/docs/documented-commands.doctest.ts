// Commands are tests: every shell command shown in README.md and docs/*.md runs for real, in a scratch copy
// of the project (one per page, in page order, so a page's later commands see what its earlier ones
// wrote), with its documented exit code and promise (test/docs/doc-commands.ts describes the annotation).
// Run alone, never beside other tests (it runs suites whose runs must be valid measurements):
// npm run test:docs  (.ci/run runs it after npm test).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { checkCounterparts, extractCommands, type DocCommand } from './doc-commands.ts';
import { runDocCommand, ScratchProject } from './scratch-project.ts';

const pages = ['README.md', ...readdirSync(path.join(PACKAGE_ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const commands = new Map<string, DocCommand[]>(pages.map((p) => [p, extractCommands(p, readFileSync(path.join(PACKAGE_ROOT, p), 'utf8'))]));
const all = [...commands.values()].flat();
let met = 0;
let blocks = 0;

afterAll(() => {
  const shown = all.filter((c) => c.notInCi).reduce((n, c) => n + c.count, 0);
  console.log(`doc-test: ${met} documented commands (${blocks} blocks and table rows) ran and met their promise; ${shown} shown not-in-ci, each with a tested counterpart`);
});

it('every not-in-ci command names a tested counterpart right after it', () => {
  expect(checkCounterparts(all)).toEqual([]);
});

for (const page of pages) {
  const runnable = commands.get(page)!.filter((c) => !c.notInCi);
  if (runnable.length === 0) continue;
  describe(page, () => {
    let scratch: ScratchProject | undefined;
    const vars: Record<string, string> = {};
    afterAll(() => scratch?.dispose());
    for (const cmd of runnable) {
      it(`${cmd.file}:${cmd.line} ${cmd.script.split('\n')[0]}`, async () => {
        scratch ??= await ScratchProject.create(PACKAGE_ROOT);
        const res = await runDocCommand(cmd, scratch.root, vars);
        expect(res.broken, `${cmd.file}:${cmd.line}\n$ ${cmd.script}\n${res.output.slice(-4000)}`).toEqual([]);
        met += cmd.count;
        blocks++;
      }, cmd.promise.timeoutS * 1000 + 30_000);
    }
  });
}
