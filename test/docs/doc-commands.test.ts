// The doc-test's extractor and runner, on fixture markdown (the real docs run in the `docs` project:
// npm run test:docs). Includes the property the doc-test exists for: a flag removed from the CLI makes the
// command that documents it fail.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { checkCounterparts, DocTestSyntaxError, extractCommands, parsePromise } from './doc-commands.ts';
import { runDocCommand, ScratchProject } from './scratch-project.ts';

const FIXTURE = `# A page

<!-- doctest: exit=0 prints="kv: 2 runs" sets="N=total: (\\d+) runs" -->
\`\`\`bash
npx harness plan --suite sanity --count
\`\`\`

\`\`\`bash not-in-ci
npm run testbed:up && npx harness run --suite remote-sanity
\`\`\`

Needs root; \`npx harness plan --suite sanity --count\` is what runs here.

| Command | What it does |
| --- | --- |
| \`npx harness schema\` | Writes schemas. <!-- doctest: creates=harness/schemas/suite.schema.json --> |
| \`npx harness deploy\` | Needs a testbed; \`npx harness schema\` is tested instead. <!-- doctest: not-in-ci --> |
`;

describe('extractCommands', () => {
  it('finds bash blocks and table rows with their promises, and what a not-in-ci command names instead', () => {
    const cmds = extractCommands('fixture.md', FIXTURE);
    expect(cmds.map((c) => [c.line, c.script, c.notInCi])).toEqual([
      [5, 'npx harness plan --suite sanity --count', false],
      [9, 'npm run testbed:up && npx harness run --suite remote-sanity', true],
      [16, 'npx harness schema', false],
      [17, 'npx harness deploy', true],
    ]);
    expect(cmds[0]!.promise).toMatchObject({ exit: 0, prints: ['kv: 2 runs'], creates: [] });
    expect(cmds[0]!.promise.sets[0]!.name).toBe('N');
    expect(cmds[1]!.namedInstead).toEqual(['npx harness plan --suite sanity --count']);
    expect(cmds[2]!.promise.creates).toEqual(['harness/schemas/suite.schema.json']);
    expect(cmds[3]!.namedInstead).toEqual(['npx harness schema']);
    expect(checkCounterparts(cmds)).toEqual([]);
  });

  it('reports a not-in-ci command that names no tested command, with file and line', () => {
    const md = FIXTURE.replace('is what runs here', 'is not it').replace('`npx harness plan --suite sanity --count` is not it', '`npx harness plan --suite other` is not it');
    expect(checkCounterparts(extractCommands('fixture.md', md))).toEqual([
      'fixture.md:9: not-in-ci command `npm run testbed:up && npx harness run --suite remote-sanity` names no tested command right after it (name one, as `code`, that a bash block or table row runs; named: `npx harness plan --suite other`)',
    ]);
  });

  it('does not take inline code that starts a line with four backticks for a fence', () => {
    expect(extractCommands('a.md', '```` ```bash not-in-ci ```` is shown, not run.\n\n```bash\nls\n```\n').map((c) => c.script)).toEqual(['ls']);
  });

  it('counts a here-document as part of its command', () => {
    const [c] = extractCommands('a.md', "```bash\ncat > x.yaml <<'EOF_X'\na: 1\n# not a command\nEOF_X\nls x.yaml\n```\n");
    expect(c!.count).toBe(2);
  });

  it('refuses annotations it cannot keep, saying where', () => {
    expect(() => parsePromise(' exit=two', 'a.md:3')).toThrow('a.md:3: doctest exit=two: an exit code is an integer 0–255');
    expect(() => parsePromise(' prnts="x"', 'a.md:3')).toThrow('a.md:3: unknown doctest key `prnts`');
    expect(() => parsePromise(' sets="id=x"', 'a.md:3')).toThrow('write sets="NAME=REGEX"');
    expect(() => extractCommands('a.md', '<!-- doctest: exit=1 -->\n```yaml\na: 1\n```\n')).toThrow(DocTestSyntaxError);
    expect(() => extractCommands('a.md', '```bash\nls\n')).toThrow('a.md:1: a code block that is never closed');
    expect(() => extractCommands('a.md', '```bash later\nls\n```\n')).toThrow('the only word after bash is not-in-ci');
  });
});

describe('runDocCommand in a scratch copy of the project', () => {
  let scratch: ScratchProject;
  beforeAll(async () => {
    scratch = await ScratchProject.create(PACKAGE_ROOT);
  });
  afterAll(() => scratch?.dispose());

  it('runs a documented command and checks its promise; removing its flag from the CLI makes it fail', async () => {
    const [plan] = extractCommands('fixture.md', FIXTURE);
    const vars: Record<string, string> = {};
    const ok = await runDocCommand(plan!, scratch.root, vars);
    expect(ok.broken, ok.output).toEqual([]);
    expect(vars.N).toMatch(/^\d+$/);

    // The same command against a CLI without --count: documented exit 0, now a usage error.
    const main = path.join(scratch.root, 'harness/cli/main.ts');
    const source = readFileSync(main, 'utf8');
    expect(source).toContain(".option('--count', 'only count the runs per workload')");
    writeFileSync(main, source.replace(".option('--count', 'only count the runs per workload')", ''));
    const bad = await runDocCommand(plan!, scratch.root, {});
    expect(bad.output).toContain("unknown option '--count'");
    expect(bad.broken).toEqual([`exit ${bad.exitCode} (documented: exit=0)`, 'did not print "kv: 2 runs"', 'printed nothing matching /total: (\\d+) runs/ (for $N)']);
    writeFileSync(main, source);
  });

  it('checks files a command promises to create', async () => {
    const cmds = extractCommands('fixture.md', FIXTURE.replace('harness/schemas/suite.schema.json', 'harness/schemas/nope.json'));
    const res = await runDocCommand(cmds[2]!, scratch.root, {});
    expect(res.broken).toEqual(['did not create harness/schemas/nope.json']);
  });
});
