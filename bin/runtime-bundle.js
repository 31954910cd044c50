// The harness's runtime, bundled once and cached. Importing ~300 TypeScript modules one by one
// costs seconds before anything starts: through tsx's loader hooks in the CLI, through Vitest's
// module runner in the experiment worker. So the entry points below are bundled together with
// esbuild (shared code goes into chunks; a few pure packages of many small modules are compiled in,
// the rest of node_modules stays external: BUNDLED_PACKAGES below) into
// node_modules/.cache/harness-runtime/<key>/ and imported as plain JavaScript: the CLI imports it
// directly, and the experiment project's Vitest config points its reporter, global setup and the
// generated files' runtime at it (node_modules paths are loaded natively by Vitest).
//
// The key covers every source file's path and content under harness/, this file, the installed
// packages, this checkout's location, the esbuild and Node versions: any edit rebuilds, as tsx or
// Vite would retransform.
// Each module keeps its own import.meta.url, and source maps point stack traces at the .ts files.
// When a bundle cannot be built or stored (no esbuild, a read-only install) or HARNESS_BUNDLE=0
// is set, everything loads from the sources as before: slower, same behaviour.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBuiltin } from 'node:module';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIR = path.join(PACKAGE_ROOT, 'harness');
export const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'harness-runtime');
/** Bundles nobody has loaded for this long are removed when a new one is built (a suite touches its own when it starts). */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Entry name → source file (relative to the package root); each is built to <key>/<name>.mjs. */
export const ENTRIES = {
  cli: 'harness/cli/main.ts',
  'suite-file': 'harness/fixtures/suite-file.ts',
  'global-setup': 'harness/fixtures/global-setup.ts',
  'vitest-reporter': 'harness/report/vitest-reporter.ts',
};

// Every regular source file under harness/, in a stable order: its path and content. Content, not
// times, so a checkout or a touch that leaves the sources as they were reuses the bundle.
function hashSources(dir, hash) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashSources(file, hash);
    else if (entry.isFile()) {
      const content = readFileSync(file);
      hash.update(`${path.relative(SOURCE_DIR, file)}\0${content.length}\0`);
      hash.update(content);
    }
  }
}

// npm's hidden lockfile (node_modules/.package-lock.json, npm 7+) lists every installed package
// and version; without it, the bundled packages' own package.json files.
function installedPackages() {
  try {
    return readFileSync(path.join(PACKAGE_ROOT, 'node_modules', '.package-lock.json'));
  } catch {
    return BUNDLED_PACKAGES.map((p) => {
      try {
        return readFileSync(path.join(PACKAGE_ROOT, 'node_modules', p, 'package.json'), 'utf8');
      } catch {
        return `${p} absent`;
      }
    }).join('\0');
  }
}

/**
 * The cache key of the current sources: changes with any edit under harness/, with this file (how
 * the bundle is built) and with the installed packages (npm's record of node_modules, as some are
 * compiled into the bundle).
 */
export function bundleKey() {
  const esbuildVersion = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  const hash = createHash('sha256');
  hash.update(`${PACKAGE_ROOT}\0${process.version}\0esbuild ${esbuildVersion}\0${JSON.stringify(ENTRIES)}\0`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(installedPackages());
  hashSources(SOURCE_DIR, hash);
  return hash.digest('hex').slice(0, 24);
}

// Each module keeps its own import.meta.url (paths next to the sources, such as the reaper script
// and the package root, resolve as they do unbundled; a bundled package's own lookups too): every
// import.meta.url expression of a file (not text inside strings) becomes that file's URL, through
// a per-file esbuild transform. The transform's inline source map keeps stack traces on the .ts.
const keepImportMetaUrl = (esbuild) => ({
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs)$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      const out = await esbuild.transform(source, { loader, format: 'esm', sourcefile: args.path, sourcemap: 'inline', define: { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) } });
      return { contents: out.code, loader: 'js' };
    });
  },
});

// Packages compiled into the bundle with everything they import: the ones every process loads
// (zod, yaml, execa) or the report's chart library (echarts), each of many small ES modules that
// Node resolves and compiles one by one (~0.1–0.3 s each here; one chunk compiles in a fraction).
// They read no files of their own. Everything else stays in node_modules, loaded as installed:
// vitest and vite (the runner's own instance), esbuild, tsx, ssh2 (native addon, __dirname),
// and the rest. Node's builtins always.
export const BUNDLED_PACKAGES = ['zod', 'yaml', 'execa', 'echarts', 'zrender', 'tslib'];
const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
const bundleSelectedPackages = {
  name: 'bundle-selected-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || isBuiltin(args.path)) return { path: args.path, external: true };
      // A package bundled above brings its own dependencies along.
      const fromBundledPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`);
      if (fromBundledPackage || BUNDLED_PACKAGES.includes(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function build(dir) {
  const esbuild = await import('esbuild');
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(PACKAGE_ROOT, file)])),
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    // CommonJS code of a bundled package (cross-spawn, under execa) requires Node's builtins.
    banner: { js: "import { createRequire as __harnessCreateRequire } from 'node:module'; const require = __harnessCreateRequire(import.meta.url);" },
    plugins: [bundleSelectedPackages, keepImportMetaUrl(esbuild)],
  });
  // Publish the whole folder at once; a concurrent builder of the same key may have won.
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!['ENOTEMPTY', 'EEXIST'].includes(err.code)) throw err;
    statSync(path.join(dir, 'cli.mjs'));
  }
}

function prune(keep) {
  const now = Date.now();
  for (const name of readdirSync(CACHE_DIR)) {
    if (name === keep) continue;
    const file = path.join(CACHE_DIR, name);
    try {
      if (now - statSync(file).mtimeMs > PRUNE_AFTER_MS) rmSync(file, { recursive: true, force: true });
    } catch {}
  }
}

let cached;

/**
 * The folder of the current runtime bundle, built if needed; null when it cannot be had (the
 * caller loads the sources instead). `reason` says why, for HARNESS_DEBUG.
 */
export async function runtimeBundle(env = process.env) {
  if (cached) return cached;
  cached = env.HARNESS_BUNDLE === '0' ? { dir: null, reason: 'HARNESS_BUNDLE=0' } : (handedBundle(env) ?? (await currentBundle()));
  if (cached.dir === null && env.HARNESS_DEBUG) process.stderr.write(`harness: loading from sources (${cached.reason})\n`);
  return cached;
}

// `harness run` hands the folder it resolved to the Vitest process it starts (its direct child),
// which then does not hash every source file again (~35 ms before any run can start). Only that
// child takes it: a value left in a shell's environment names no parent of ours and is ignored.
const HANDOVER_DIR = 'HARNESS_RUNTIME_DIR';
const HANDOVER_PARENT = 'HARNESS_RUNTIME_PARENT';

function handedBundle(env) {
  const dir = env[HANDOVER_DIR];
  if (!dir || env[HANDOVER_PARENT] !== String(process.ppid) || path.dirname(dir) !== CACHE_DIR) return undefined;
  return existsSync(path.join(dir, 'cli.mjs')) ? { dir, reason: null } : undefined;
}

/** The variables that hand this process's bundle to a child it starts (empty without a bundle). */
export function bundleHandover(bundle) {
  return bundle?.dir ? { [HANDOVER_DIR]: bundle.dir, [HANDOVER_PARENT]: String(process.pid) } : {};
}

async function currentBundle() {
  try {
    const key = bundleKey();
    const dir = path.join(CACHE_DIR, key);
    if (existsSync(path.join(dir, 'cli.mjs'))) {
      // Marks it in use, so prune() leaves it to a suite that runs for days (best effort: a
      // read-only install still uses its bundle).
      try {
        const now = new Date();
        utimesSync(dir, now, now);
      } catch {}
    } else {
      mkdirSync(CACHE_DIR, { recursive: true });
      await build(dir);
      prune(key);
    }
    return { dir, reason: null };
  } catch (err) {
    return { dir: null, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The built file of an entry, or its source file when there is no bundle. */
export async function entryFile(name, env = process.env) {
  const { dir } = await runtimeBundle(env);
  return dir === null ? path.join(PACKAGE_ROOT, ENTRIES[name]) : path.join(dir, `${name}.mjs`);
}

/** The CLI's module: from the bundle, else the sources through tsx. */
export async function loadCli(env = process.env) {
  const { dir } = await runtimeBundle(env);
  if (dir === null) {
    const { register } = await import('tsx/esm/api');
    register();
    // A computed specifier: a bundler that meets this file (Vite bundles the experiment config, which
    // imports it) must not follow it into the whole CLI.
    return import(pathToFileURL(path.join(PACKAGE_ROOT, ENTRIES.cli)).href);
  }
  process.setSourceMapsEnabled(true);
  // Children of the CLI (the Vitest process of `harness run`) take the same bundle.
  Object.assign(process.env, bundleHandover({ dir }));
  return import(pathToFileURL(path.join(dir, 'cli.mjs')).href);
}
