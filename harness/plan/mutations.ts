import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFileBounded, UnsafeFileError } from '../util/safe-file.ts';
import path from 'node:path';
import type { LoadedSuite, LoadedWorkload } from '../config/load-suite.ts';
import type { IssueCollector } from '../config/config-error.ts';
import { sha256 } from '../util/hash.ts';
import type { PlannedMutation } from './run-types.ts';

import { BASE_MUTATION, MUTATION_PARAM } from '../config/mutation-label.ts';

export { BASE_MUTATION, MUTATION_PARAM } from '../config/mutation-label.ts';

let headCache: { root: string; head: Head } | undefined;

// HEAD's commit, or git's own first line of why there is none (no repository, no commit, or a
// repository owned by another user that git refuses: "detected dubious ownership").
type Head = { commit: string } | { commit: null; why: string };

export function headCommit(root: string): Head {
  if (headCache?.root === root) return headCache.head;
  let head: Head;
  try {
    head = { commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() };
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    head = { commit: null, why: stderr.split('\n').find((l) => l.trim())?.trim() ?? (err as Error).message };
  }
  headCache = { root, head };
  return head;
}

// git refuses a repository another user owns ("dubious ownership"): root in a CI container.
export const isForeignCheckout = (head: Head): boolean => head.commit === null && head.why.includes('dubious ownership');
const safeDirectoryFix = (root: string): string => `the checkout belongs to another user and git refuses it (as root in a CI container): git config --global --add safe.directory ${root}`;

/** A plan warning when git refuses the project's checkout: plan.json would record git_commit: null. */
export function foreignCheckoutWarning(root: string): string | null {
  const head = headCommit(root);
  if (!isForeignCheckout(head) || head.commit !== null) return null;
  return `${root}: git rev-parse HEAD: ${head.why}; plan.json records git_commit: null\n  fix: ${safeDirectoryFix(root)}`;
}

// The mutations of a workload entry, checked and hashed, keyed by name (the `mutation` axis values).
export function planMutations(suite: LoadedSuite, w: LoadedWorkload, issues: IssueCollector): Map<string, PlannedMutation> | null {
  const list = w.entry.mutations;
  if (!list || list.length === 0) return null;
  const at = (i: number, key?: string): (string | number)[] => ['workloads', w.index, 'mutations', i, ...(key ? [key] : [])];
  if (MUTATION_PARAM in w.entry.parameters) issues.add(suite.source.issueAt(['workloads', w.index, 'parameters', MUTATION_PARAM], '`mutation` is reserved for the mutations axis', { hint: 'rename this parameter' }));
  const head = headCommit(suite.rootDir);
  if (head.commit === null) {
    const hint = isForeignCheckout(head) ? safeDirectoryFix(suite.rootDir) : 'commit the project first: the base commit is recorded in plan.json';
    issues.add(suite.source.issueAt(at(0), `mutations need a git repository with a commit at ${suite.rootDir} (git rev-parse HEAD: ${head.why})`, { hint }));
    return null;
  }
  const base = head.commit;
  const out = new Map<string, PlannedMutation>();
  list.forEach((m, i) => {
    if (m.name === BASE_MUTATION) issues.add(suite.source.issueAt(at(i, 'name'), '`base` names the unpatched checkout; choose another name'));
    if (out.has(m.name)) issues.add(suite.source.issueAt(at(i, 'name'), `mutation \`${m.name}\` is listed twice`));
    const patch = path.resolve(suite.rootDir, m.patch);
    if (!existsSync(patch)) {
      issues.add(suite.source.issueAt(at(i, 'patch'), `patch file not found: ${m.patch}`, { hint: 'paths are relative to the project root; make one with `git diff > experiments/mutations/NAME.patch`' }));
      return;
    }
    let bytes: Buffer;
    try {
      // Bounded and regular files only: /dev/zero, a FIFO, /dev/stdin or a folder is refused at once.
      bytes = readFileBounded(patch, { what: 'patch' });
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      issues.add(suite.source.issueAt(at(i, 'patch'), `${m.patch}: ${err.reason}`, { hint: 'name a patch file made with `git diff > experiments/mutations/NAME.patch`' }));
      return;
    }
    out.set(m.name, { name: m.name, patch, patchSha256: sha256(bytes), baseCommit: base, ...(m.build ? { build: m.build } : {}) });
  });
  return out;
}

// Parameters with the `mutation` axis added (base first when mutation_base).
export function withMutationAxis(parameters: Record<string, unknown>, mutations: Map<string, PlannedMutation> | null, includeBase: boolean): Record<string, unknown> {
  if (!mutations || mutations.size === 0) return parameters;
  return { [MUTATION_PARAM]: [...(includeBase ? [BASE_MUTATION] : []), ...mutations.keys()], ...parameters };
}
