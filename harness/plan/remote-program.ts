// Remote clients run the workload programs as the self-contained bundles `harness deploy` puts on
// the generator node (docs/remote.md "Deploying to generator nodes"): only `node` is needed there, no
// checkout, no node_modules, no tsx. The bundler (harness/deploy) names its files with bundleName.

/** Where the bundles live inside a remote workdir. */
export const BUNDLE_DIR = '.harness/bundle';

// Path segments never start with a dot: no `..`, no hidden files.
const SOURCE = /^(?:\.\/)?experiments\/workloads\/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*)\.(?:ts|mts|js|mjs)$/;
/** Node flags that take the next argument as their value. */
const VALUE_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r', '--env-file', '--conditions', '-C', '--title']);

// `experiments/workloads/kv/generator.ts` → `kv-generator.mjs`; undefined for any other path.
export function bundleName(source: string): string | undefined {
  const m = SOURCE.exec(source);
  return m ? `${m[1]!.replaceAll('/', '-')}.mjs` : undefined;
}

// tsx as a loader (`tsx`, `tsx/esm`, `…/node_modules/tsx/dist/loader.mjs`): the bundle needs none.
function isTsxLoader(value: string | undefined): boolean {
  return value !== undefined && /^(?:tsx(?:\/[\w./-]*)?|.*\/node_modules\/tsx\/.*)$/.test(value);
}

// `node --import tsx experiments/workloads/kv/generator.ts --rate 5` → `node .harness/bundle/kv-generator.mjs --rate 5`.
// Recognised launchers: `node [flags]` (tsx loader flags dropped, other flags kept), `tsx`, `npx tsx`.
// Any other command (a shell, a binary, a script outside experiments/workloads) is returned as is.
export function bundledArgv(argv: readonly string[]): string[] {
  const flags: string[] = [];
  let i: number;
  if (argv[0] === 'npx' && argv[1] === 'tsx') i = 2;
  else if (argv[0] === 'tsx') i = 1;
  else if (argv[0] === 'node') {
    for (i = 1; i < argv.length && argv[i]!.startsWith('-'); i++) {
      const arg = argv[i]!;
      const eq = arg.indexOf('=');
      if (eq > 0 && VALUE_FLAGS.has(arg.slice(0, eq))) {
        if (!isTsxLoader(arg.slice(eq + 1))) flags.push(arg);
      } else if (VALUE_FLAGS.has(arg)) {
        if (!isTsxLoader(argv[i + 1])) flags.push(arg, argv[i + 1] ?? '');
        i++;
      } else flags.push(arg);
    }
  } else return [...argv];
  const name = bundleName(argv[i] ?? '');
  return name ? ['node', ...flags, `${BUNDLE_DIR}/${name}`, ...argv.slice(i + 1)] : [...argv];
}

// The bundle names a set of (rendered) remote argv run, for checking that a deployment has them.
export function bundlesUsed(argv: readonly string[]): string[] {
  return argv.filter((a) => a.startsWith(`${BUNDLE_DIR}/`)).map((a) => a.slice(BUNDLE_DIR.length + 1));
}
