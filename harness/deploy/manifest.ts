import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NODE_TARGET_MAJOR, sha256, type Bundle } from './bundle.ts';

export const MANIFEST_FORMAT = 'harness.deploy/v1';

const relPath = z.string().refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the project');
const fileName = z.string().regex(/^[A-Za-z0-9_.-]+\.mjs$/);

/** `<workdir>/.harness/bundle/manifest.json` on a generator node: what was deployed, from what. */
export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  deployed_at: z.string(),
  /** Who deployed, from where (`root@server-node`). */
  deployed_by: z.string(),
  esbuild: z.string(),
  node_target: z.number().int(),
  files: z.record(fileName, z.object({ source: relPath, sha256: z.string(), bytes: z.number().int().nonnegative() })),
  inputs: z.record(relPath, z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;

// The manifest a bundle deploys with.
export function manifestOf(bundle: Bundle, deployedBy: string, now = new Date()): Manifest {
  return {
    format: MANIFEST_FORMAT,
    hash: bundle.hash,
    deployed_at: now.toISOString(),
    deployed_by: deployedBy,
    esbuild: bundle.esbuild,
    node_target: NODE_TARGET_MAJOR,
    files: Object.fromEntries(bundle.files.map((f) => [f.name, { source: f.source, sha256: f.sha256, bytes: f.contents.length }])),
    inputs: bundle.inputs,
  };
}

// A remote manifest's text, or why it cannot be used (a hand-edited or foreign file counts as absent).
export function parseManifest(text: string): { manifest: Manifest } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { problem: `manifest.json is not JSON (${(err as Error).message})` };
  }
  const r = manifestSchema.safeParse(json);
  return r.success ? { manifest: r.data } : { problem: `manifest.json is not a ${MANIFEST_FORMAT} manifest (${r.error.issues[0]?.path.join('.') || 'root'}: ${r.error.issues[0]?.message})` };
}

// Source files of this checkout that differ from what the deployed bundle was built from (cheap:
// hashes the listed inputs only; a new import shows up as a change of the file that imports it).
export function changedInputs(manifest: Manifest, rootDir: string): string[] {
  return Object.entries(manifest.inputs)
    .filter(([rel, hash]) => {
      try {
        return sha256(readFileSync(path.join(rootDir, rel))) !== hash;
      } catch {
        return true;
      }
    })
    .map(([rel]) => rel);
}
