import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { experimentProject } from '../../harness/runner/vitest-settings.ts';

// The CLI and the experiment worker run the harness from a bundle cached under
// node_modules/.cache/harness-runtime (bin/runtime-bundle.js). These tests run a copy of the
// package (its own harness/ and bin/, the real node_modules) so they can edit its sources.
describe('runtime bundle', () => {
  let copy: string;
  let cacheDirs: () => string[];
  const cli = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [path.join(copy, 'bin/harness.js'), ...args], { cwd: copy, reject: false, all: true, env: { NO_COLOR: '1', ...env } });

  beforeAll(() => {
    copy = mkdtempSync(path.join(os.tmpdir(), 'harness-bundle-'));
    for (const dir of ['harness', 'bin']) cpSync(path.join(PACKAGE_ROOT, dir), path.join(copy, dir), { recursive: true });
    cpSync(path.join(PACKAGE_ROOT, 'package.json'), path.join(copy, 'package.json'));
    // A node_modules of its own whose packages are the real ones, so its cache is its own.
    const modules = path.join(copy, 'node_modules');
    cpSync(path.join(PACKAGE_ROOT, 'node_modules'), modules, { recursive: true, filter: (src) => src === path.join(PACKAGE_ROOT, 'node_modules') });
    for (const name of readdirSync(path.join(PACKAGE_ROOT, 'node_modules'))) {
      if (name !== '.cache') symlinkSync(path.join(PACKAGE_ROOT, 'node_modules', name), path.join(modules, name));
    }
    const cache = path.join(modules, '.cache', 'harness-runtime');
    cacheDirs = () => (existsSync(cache) ? readdirSync(cache).filter((n) => !n.endsWith('.tmp')) : []);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('builds once, then every command runs what the sources say after an edit', async () => {
    const first = await cli(['--help']);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.all).toContain('MicroSentinel experiment harness');
    expect(cacheDirs()).toHaveLength(1);
    const [built] = cacheDirs();
    expect(readdirSync(path.join(copy, 'node_modules/.cache/harness-runtime', built!)).sort()).toEqual(['chunks', 'cli.mjs', 'global-setup.mjs', 'suite-file.mjs', 'vitest-reporter.mjs']);

    // The same sources, even touched (a checkout back and forth): the same bundle, not rebuilt.
    const main = path.join(copy, 'harness/cli/main.ts');
    utimesSync(main, new Date(), new Date(Date.now() + 5000));
    expect((await cli(['--help'])).exitCode).toBe(0);
    expect(cacheDirs()).toEqual([built]);

    // An edit anywhere under harness/ is what the next command runs (a new key, a new bundle).
    writeFileSync(main, readFileSync(main, 'utf8').replace('MicroSentinel experiment harness:', 'MicroSentinel experiment harness (edited):'));
    const edited = await cli(['--help']);
    expect(edited.all).toContain('MicroSentinel experiment harness (edited):');
    expect(cacheDirs()).toHaveLength(2);
  });

  it('compiles the listed packages in (one chunk, not hundreds of modules) and leaves the rest to node_modules; a change in node_modules rebuilds', async () => {
    expect((await cli(['--help'])).exitCode).toBe(0);
    const latest = () => {
      const dirs = cacheDirs().map((d) => path.join(copy, 'node_modules/.cache/harness-runtime', d));
      return dirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    };
    const dir = latest();
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.mjs')), ...readdirSync(path.join(dir, 'chunks')).map((f) => `chunks/${f}`)];
    const imported = new Set<string>();
    for (const f of files) for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^;'"]*?from\s*["']([^."'][^"']*)["']/g)) imported.add(m[1]!.split('/')[0]!);
    for (const bundled of ['zod', 'yaml', 'execa', 'echarts']) expect(imported, bundled).not.toContain(bundled);
    // The runner's own instance, and packages with native parts or files of their own, stay imports.
    expect(imported).toContain('vitest');
    // The generated files' runtime still runs: zod, yaml and execa (CommonJS cross-spawn inside) work from the chunk.
    const run = await execa(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(dir, 'cli.mjs'))}); process.exitCode = await m.main(['--root', ${JSON.stringify(PACKAGE_ROOT)}, 'plan', '--suite', 'sanity', '--count']);`], { cwd: copy, reject: false, all: true });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/\d+ runs?/);

    // Another installed tree (npm's record of node_modules changed): a new bundle, as the packages compiled in may differ.
    const record = path.join(copy, 'node_modules/.package-lock.json');
    rmSync(record, { force: true });
    writeFileSync(record, JSON.stringify({ name: 'changed', lockfileVersion: 3, packages: {} }));
    const before = cacheDirs().length;
    expect((await cli(['--help'])).exitCode).toBe(0);
    expect(cacheDirs()).toHaveLength(before + 1);
  });

  it('keeps each module’s own location: paths next to the sources resolve as unbundled', async () => {
    // `harness schema` writes under the package root it computes from import.meta.url.
    const out = path.join(copy, 'schemas-out');
    const res = await cli(['--root', PACKAGE_ROOT, 'schema', '--out', out]);
    expect(res.exitCode, res.all).toBe(0);
    expect(readdirSync(out).length).toBeGreaterThan(0);
    // A bad flag still gets the usage error, not a stack trace from the bundle.
    const bad = await cli(['run', '--suite', 'no-such-suite', '--root', PACKAGE_ROOT]);
    expect(bad.exitCode).toBe(2);
    expect(bad.all).not.toMatch(/\n\s+at /);
  });

  it('HARNESS_BUNDLE=0 loads the sources through tsx, with the same behaviour', async () => {
    const before = cacheDirs();
    const res = await cli(['--help'], { HARNESS_BUNDLE: '0', HARNESS_DEBUG: '1' });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.all).toContain('loading from sources (HARNESS_BUNDLE=0)');
    expect(res.all).toContain('MicroSentinel experiment harness');
    expect(cacheDirs()).toEqual(before);
  });

  it('a cache it cannot write (here a file where its folder goes) falls back to the sources and says so under HARNESS_DEBUG', async () => {
    const cache = path.join(copy, 'node_modules/.cache');
    const saved = `${cache}.saved`;
    cpSync(cache, saved, { recursive: true });
    rmSync(cache, { recursive: true });
    writeFileSync(cache, 'not a folder');
    try {
      const res = await cli(['--help'], { HARNESS_DEBUG: '1' });
      expect(res.exitCode, res.all).toBe(0);
      expect(res.all).toMatch(/harness: loading from sources \(.*(ENOTDIR|EEXIST).*\)/);
      expect(res.all).toContain('MicroSentinel experiment harness');
    } finally {
      rmSync(cache, { force: true });
      cpSync(saved, cache, { recursive: true });
      rmSync(saved, { recursive: true });
    }
  });

  it('the experiment project resolves the generated files’ runtime to the bundle', async () => {
    const { test, plugins } = await experimentProject();
    expect(test.globalSetup).toEqual([expect.stringMatching(/node_modules\/\.cache\/harness-runtime\/[0-9a-f]+\/global-setup\.mjs$/)]);
    const plugin = plugins.find((p) => p.name === 'harness-runtime-bundle')!;
    const resolveId = plugin.resolveId as (id: string, importer: string | undefined) => string | null;
    const generated = path.join(PACKAGE_ROOT, 'suites/sanity/kv.part1.test.ts');
    expect(resolveId('../../harness/fixtures/suite-file.ts', generated)).toMatch(/harness-runtime\/[0-9a-f]+\/suite-file\.mjs$/);
    // Anything else, or a suite-file.ts of another package, resolves as usual.
    expect(resolveId('../../harness/plan/build-plan.ts', generated)).toBeNull();
    expect(resolveId('./fixtures/suite-file.ts', '/elsewhere/x.ts')).toBeNull();
    expect(resolveId('../../harness/fixtures/suite-file.ts', undefined)).toBeNull();
  });

  // Vite bundles a TypeScript config with everything it imports, statically or by a literal
  // dynamic import. bin/runtime-bundle.js once held `import('../harness/cli/main.ts')` (its fallback
  // to the sources): every `harness run` bundled the whole CLI (223 files, ~1–2 s) before a run began.
  it.each(['harness/runner/experiments.vitest.config.ts', 'vitest.config.ts'])('%s loads without bundling the harness it runs from the bundle', async (config) => {
    const { loadConfigFromFile } = await import('vite');
    const loaded = await loadConfigFromFile({ command: 'serve', mode: 'test' }, path.join(PACKAGE_ROOT, config), PACKAGE_ROOT, 'silent', undefined, 'bundle');
    const harnessFiles = loaded!.dependencies.filter((d) => d.includes('/harness/')).map((d) => path.relative(PACKAGE_ROOT, d));
    expect(harnessFiles.length, harnessFiles.join('\n')).toBeLessThanOrEqual(8);
    expect(harnessFiles).not.toContain('harness/cli/main.ts');
  });
});
