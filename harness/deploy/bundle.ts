import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Metafile } from 'esbuild';
import { glob } from 'tinyglobby';
import { bundleName } from '../plan/remote-program.ts';
import { DeployError } from './deploy-error.ts';

/** The Node the bundles are compiled for; a generator node needs at least this major version. */
export const NODE_TARGET_MAJOR = 20;

/** One self-contained program: `kv-generator.mjs` from `experiments/workloads/kv/generator.ts`. */
export interface BundleFile {
  name: string;
  source: string;
  contents: Uint8Array;
  sha256: string;
}

/** Every workload program bundled, with what it was built from. */
export interface Bundle {
  /** sha256 over the files' names and hashes and the build settings: the deployed hash. */
  hash: string;
  files: BundleFile[];
  /** Every source file that went into a bundle (workloads and node_modules), root-relative → sha256. */
  inputs: Record<string, string>;
  esbuild: string;
  bytes: number;
  buildMs: number;
}

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

// CommonJS dependencies (hdr-histogram-js) call require(); an ES module bundle has none of its own.
const BANNER = "import { createRequire as __harnessRequire } from 'node:module'; const require = __harnessRequire(import.meta.url);";

// The programs: workload files no other workload file imports (kv/generator.ts, nfv/sink.ts, …).
function entryPoints(meta: Metafile, candidates: string[]): string[] {
  const imported = new Set(Object.values(meta.inputs).flatMap((i) => i.imports.map((im) => im.path)));
  return candidates.filter((f) => !imported.has(f));
}

// Bundle every workload program under experiments/workloads into one ESM file each (in memory).
export async function buildBundle(rootDir: string): Promise<Bundle> {
  const began = performance.now();
  // Loaded on use: the runner imports this folder for the per-run check, which needs no esbuild.
  const { build, version: esbuildVersion } = await import('esbuild');
  const candidates = (await glob(['experiments/workloads/**/*.{ts,mts}'], { cwd: rootDir, ignore: ['**/*.d.ts', '**/*.test.ts'] })).sort();
  let result;
  try {
    result = await build({
      absWorkingDir: rootDir,
      entryPoints: candidates,
      outdir: 'bundle',
      outbase: 'experiments/workloads',
      bundle: true,
      // Input paths stay inside the project (a linked node_modules is not followed out of it).
      preserveSymlinks: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: `node${NODE_TARGET_MAJOR}`,
      banner: { js: BANNER },
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column} ${e.text}` : e.text));
    throw new DeployError('build-failed', 'local', `bundling the workload programs failed:\n  ${lines.join('\n  ') || (err as Error).message}`, 'fix the errors above in experiments/workloads/');
  }
  const meta = result.metafile;
  const programs = new Set(entryPoints(meta, candidates));
  const files: BundleFile[] = [];
  for (const out of result.outputFiles) {
    const rel = path.relative(rootDir, out.path).split(path.sep).join('/');
    const source = meta.outputs[rel]?.entryPoint;
    if (!source || !programs.has(source)) continue;
    files.push({ name: bundleName(source)!, source, contents: out.contents, sha256: sha256(out.contents) });
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const used = new Set(Object.values(meta.outputs).filter((o) => o.entryPoint && programs.has(o.entryPoint)).flatMap((o) => Object.keys(o.inputs)));
  const inputs = Object.fromEntries([...used].sort().map((p) => [p, sha256(readFileSync(path.join(rootDir, p)))]));
  const hash = sha256(JSON.stringify({ target: NODE_TARGET_MAJOR, files: files.map((f) => [f.name, f.sha256]) }));
  return { hash, files, inputs, esbuild: esbuildVersion, bytes: files.reduce((n, f) => n + f.contents.length, 0), buildMs: Math.round(performance.now() - began) };
}
