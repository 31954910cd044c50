// Shared by the bench steps that run catalog descriptors in a changed form (bench/fidelity.ts,
// bench/precise-suites.ts): a scratch project root that links this checkout's code in, so a changed
// copy of a descriptor generates its files there and not in this checkout's suites/.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const LINKED = ['harness', 'experiments', 'node_modules', 'package.json', 'tsconfig.json', 'bin'];

/** Make `root` a project root that runs `repo`'s harness, with an empty `desc/` for descriptors. */
export function makeScratchRoot(repo: string, root: string): void {
  mkdirSync(path.join(root, 'desc'), { recursive: true });
  for (const f of LINKED) symlinkSync(path.join(repo, f), path.join(root, f));
}

/** A catalog descriptor's text with its precision.max_repetitions set to `maxReps` (unchanged when undefined). */
export function descriptorWithMaxReps(repo: string, suite: string, maxReps: string | undefined, envName: string): string {
  const text = readFileSync(path.join(repo, 'experiments/configs/experiments', `${suite}.yaml`), 'utf8');
  if (!maxReps) return text;
  const capped = text.replace(/^( {2}max_repetitions:) \d+/m, `$1 ${Number(maxReps)}`);
  if (capped === text) throw new Error(`bench: ${envName}: no precision.max_repetitions in ${suite}.yaml to cap`);
  return capped;
}
