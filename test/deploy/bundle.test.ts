import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, DeployError, type Bundle } from '../../harness/deploy/index.ts';
import type { TempProject } from '../helpers/temp-project.ts';
import { workloadsProject } from './deploy-project.ts';

let project: TempProject;
let bundle: Bundle;
const outside = mkdtempSync(path.join(os.tmpdir(), 'bundle-run-'));

beforeAll(async () => {
  project = workloadsProject('bundle-');
  bundle = await buildBundle(project.root);
}, 60_000);
afterAll(() => {
  project.dispose();
  rmSync(outside, { recursive: true, force: true });
});

describe('buildBundle (esbuild, in memory)', () => {
  it('bundles each workload program, not the modules they import', () => {
    const names = bundle.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['kv-generator.mjs', 'kv-server.mjs', 'nfv-generator.mjs', 'lb-generator.mjs', 'antagonist-antagonist.mjs']));
    expect(names.some((n) => n.startsWith('lib-'))).toBe(false);
    expect(names).not.toContain('kv-resp-encode.mjs');
    expect(bundle.files.find((f) => f.name === 'kv-generator.mjs')!.source).toBe('experiments/workloads/kv/generator.ts');
    expect(Object.keys(bundle.inputs)).toEqual(expect.arrayContaining(['experiments/workloads/kv/generator.ts', 'experiments/workloads/lib/args.ts']));
    expect(Object.keys(bundle.inputs).some((p) => p.startsWith('node_modules/hdr-histogram-js/'))).toBe(true);
    expect(Object.keys(bundle.inputs).every((p) => !p.startsWith('/') && !p.includes('..'))).toBe(true);
  });

  it('runs with plain node where there is no checkout and no node_modules', async () => {
    const f = bundle.files.find((b) => b.name === 'kv-generator.mjs')!;
    writeFileSync(path.join(outside, f.name), f.contents);
    const r = await execa('node', [f.name, '--help'], { cwd: outside, reject: false, timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--rate/);
    const bad = await execa('node', [f.name, '--no-such-flag'], { cwd: outside, reject: false, timeout: 30_000 });
    expect(bad.exitCode).toBe(2);
  });

  it('is reproducible: the same sources give the same hash, a changed source another', async () => {
    expect((await buildBundle(project.root)).hash).toBe(bundle.hash);
    const file = path.join(project.root, 'experiments/workloads/kv/generator.ts');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace("runCli('kv-generator'", "runCli('kv-generator-changed'"));
      const changed = await buildBundle(project.root);
      expect(changed.hash).not.toBe(bundle.hash);
      expect(changed.inputs['experiments/workloads/kv/generator.ts']).not.toBe(bundle.inputs['experiments/workloads/kv/generator.ts']);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('reports a source that does not compile with file:line', async () => {
    const file = path.join(project.root, 'experiments/workloads/kv/broken-program.ts');
    writeFileSync(file, 'const x = ;\n');
    try {
      const err = (await buildBundle(project.root).catch((e: unknown) => e)) as DeployError;
      expect(err).toBeInstanceOf(DeployError);
      expect(err.problem).toBe('build-failed');
      expect(err.message).toMatch(/experiments\/workloads\/kv\/broken-program\.ts:1:\d+ /);
    } finally {
      rmSync(file);
    }
  });
});
