// Which harness folder may import which (STYLE: one role per folder; reporters never import
// fixtures, the plan never imports process code). A folder may import only the folders below it in
// LAYERS; workloads and the reference observer import nothing of the harness (they are copied to
// generator nodes alone).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Lowest first. Folders on one line are peers: they may not import each other. */
const LAYERS: string[][] = [
  ['errors'],
  ['util', 'stats', 'types', 'schemas'],
  ['config', 'mutations'],
  ['plan'],
  ['compile', 'results'],
  ['session'],
  ['process', 'preflight'],
  ['remote'],
  ['instrumentation', 'monitors', 'deploy'],
  ['runner'],
  ['fixtures', 'report'],
  ['ingest'],
  ['notebook'],
  ['ci', 'cli'],
];

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : /\.(ts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

// Relative imports (static, dynamic and re-exports) of a file, resolved to project paths.
function importsOf(file: string, src = readFileSync(file, 'utf8')): string[] {
  const specs = [...src.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)));
}

const topFolder = (rel: string): string => rel.split(path.sep)[1] ?? '';

// Imports of one harness file that reach a folder at its own layer or above.
function layerViolations(file: string, src?: string): string[] {
  const from = topFolder(path.relative(ROOT, file));
  return importsOf(file, src)
    .filter((target) => target.startsWith(`harness${path.sep}`))
    .filter((target) => {
      const to = topFolder(target);
      return to !== from && rank.has(to) && rank.has(from) && rank.get(to)! >= rank.get(from)!;
    })
    .map((target) => `${path.relative(ROOT, file)} imports ${target} (${from} may not import ${topFolder(target)})`);
}

describe('architecture', () => {
  it('names every harness folder in the layer table', () => {
    const folders = readdirSync(path.join(ROOT, 'harness'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('names every harness and experiments folder in the layout table (docs/architecture.md)', () => {
    const readme = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 1));
    const folders = ['harness', 'experiments'].flatMap((top) => readdirSync(path.join(ROOT, top), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'artifacts').map((e) => `${top}/${e.name}/`));
    const topLevel = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'reports', 'harness', 'experiments'].includes(e.name)).map((e) => `${e.name}/`);
    expect([...folders, ...topLevel].filter((f) => !table.includes(`\`${f}`))).toEqual([]);
  });

  it('lets a harness folder import only folders below it', () => {
    expect(tsFiles(path.join(ROOT, 'harness')).flatMap((f) => layerViolations(f))).toEqual([]);
  });

  it('catches an upward import (the check itself)', () => {
    const reporter = path.join(ROOT, 'harness', 'report', 'example.ts');
    expect(layerViolations(reporter, "import type { X } from '../fixtures/run-test.ts';\nimport { y } from '../stats/index.ts';")).toEqual([
      `harness/report/example.ts imports harness/fixtures/run-test.ts (report may not import fixtures)`,
    ]);
    const plan = path.join(ROOT, 'harness', 'plan', 'example.ts');
    expect(layerViolations(plan, "export { z } from '../compile/shard.ts';")).toHaveLength(1);
  });

  it('keeps workloads and the reference observer free of harness code', () => {
    const files = [...tsFiles(path.join(ROOT, 'experiments', 'workloads')), ...tsFiles(path.join(ROOT, 'experiments', 'agents'))];
    expect(files.length).toBeGreaterThan(10);
    const leaks = files.flatMap((f) => importsOf(f).filter((t) => !t.startsWith(`experiments${path.sep}`)).map((t) => `${path.relative(ROOT, f)} imports ${t}`));
    expect(leaks).toEqual([]);
  });
});
