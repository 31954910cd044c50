import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, parseManifest, type Manifest } from '../../harness/deploy/index.ts';
import { changedInputs } from '../../harness/deploy/manifest.ts';
import { sha256 } from '../../harness/deploy/bundle.ts';

const good: Manifest = {
  format: MANIFEST_FORMAT,
  hash: 'a'.repeat(64),
  deployed_at: '2026-01-01T00:00:00.000Z',
  deployed_by: 'root@server',
  esbuild: '0.28.2',
  node_target: 20,
  files: { 'kv-generator.mjs': { source: 'experiments/workloads/kv/generator.ts', sha256: 'b'.repeat(64), bytes: 10 } },
  inputs: { 'experiments/workloads/kv/generator.ts': 'c'.repeat(64) },
};

describe('deploy manifest (read back from a generator node: untrusted)', () => {
  it('accepts what deploy writes', () => {
    expect(parseManifest(JSON.stringify(good))).toEqual({ manifest: good });
  });

  it('refuses paths that leave the project, odd file names, other formats and non-JSON, saying why', () => {
    const bad = (m: unknown): string => {
      const r = parseManifest(JSON.stringify(m));
      expect(r).toHaveProperty('problem');
      return (r as { problem: string }).problem;
    };
    expect(bad({ ...good, inputs: { '../../etc/shadow': 'x' } })).toContain('inputs');
    expect(bad({ ...good, inputs: { '/etc/shadow': 'x' } })).toContain('inputs');
    expect(bad({ ...good, files: { '../x.mjs': good.files['kv-generator.mjs'] } })).toContain('files');
    expect(bad({ ...good, format: 'other/v9' })).toContain('format');
    expect((parseManifest('{not json') as { problem: string }).problem).toContain('not JSON');
  });

  it('lists the sources of this checkout that differ from the deployed ones (missing counts as changed)', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
    try {
      writeFileSync(path.join(root, 'same.ts'), 'same');
      writeFileSync(path.join(root, 'edited.ts'), 'new');
      const m = { ...good, inputs: { 'same.ts': sha256('same'), 'edited.ts': sha256('old'), 'gone.ts': sha256('x') } };
      expect(changedInputs(m, root)).toEqual(['edited.ts', 'gone.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
