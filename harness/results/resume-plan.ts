import { READ_LIMITS, readTextBounded } from '../util/safe-file.ts';
import path from 'node:path';
import { diffPaths, PreviousRuns } from './previous-runs.ts';
import { assessRun, blockOf } from './assess-run.ts';
import { ArtifactBaselines } from './baselines.ts';
import type { SuitePlan } from '../plan/build-plan.ts';

export interface ResumeEntry {
  name: string;
  state: 'done' | 'changed' | 'new' | 'retry' | 'recheck';
  /** done: the folder of the passed result; changed: what differs from the last result; recheck: which current check it fails. */
  detail: string;
}

// What `--resume` will do with each run: skip (done), rerun (changed, with why), run (new), retry (failed before),
// rerun a passed result that fails today's validity rules or expectations (recheck).
export function resumePlan(plan: SuitePlan, artifactsRoot: string): ResumeEntry[] {
  const previous = PreviousRuns.scan(artifactsRoot);
  // Overhead is judged against the block's baseline as --resume would find it (its latest passed result).
  const baselines = new ArtifactBaselines(artifactsRoot, { sessionId: undefined, resume: true });
  return plan.runs.map((run) => {
    const done = previous.passed(run.id);
    if (done) {
      const { problems } = assessRun({ ...blockOf(run, plan.runs), checks: run, hasClients: done.hasClients }, done.keyMetrics, baselines);
      if (problems.length === 0) return { name: run.name, state: 'done', detail: path.basename(done.dir) };
      return { name: run.name, state: 'recheck', detail: describeRecheck(done.dir, problems) };
    }
    const last = previous.latestByName(run.name);
    if (!last) return { name: run.name, state: 'new', detail: '' };
    if (last.id === run.id) return { name: run.name, state: 'retry', detail: `last result ${last.status} (${path.basename(last.dir)})` };
    return { name: run.name, state: 'changed', detail: explainChange(last.dir, run.resolved.config, run.variant.params) };
  });
}

// "passed in X, but now: …" for a passed result that the current checks reject.
export function describeRecheck(dir: string, problems: string[]): string {
  return `passed in ${path.basename(dir)}, but fails the current checks: ${problems.join('; ')}`;
}

function explainChange(dir: string, config: unknown, params: unknown): string {
  try {
    const old = JSON.parse(readTextBounded(path.join(dir, 'plan.json'), { maxBytes: READ_LIMITS.json, what: 'plan.json' })) as { resolved?: unknown; run?: { params?: unknown }; provenance?: { harness_version?: string } };
    const paths = [...diffPaths(old.run?.params, params, 'params'), ...diffPaths(old.resolved, config)];
    return paths.length ? `changed: ${paths.join(', ')}` : 'changed: harness version or agent patch';
  } catch {
    return 'changed (previous plan.json unreadable)';
  }
}

// One line per state with counts, then the runs that will (re)run and why.
export function formatResumePlan(entries: ResumeEntry[]): string {
  const count = (s: ResumeEntry['state']): number => entries.filter((e) => e.state === s).length;
  const lines = [`resume: ${count('done')} already passed (skipped), ${count('changed')} changed, ${count('recheck')} failing current checks, ${count('retry')} to retry, ${count('new')} new`];
  for (const e of entries) if (e.state !== 'done' && e.state !== 'new') lines.push(`  ${e.state.padEnd(7)} ${e.name}: ${e.detail}`);
  return lines.join('\n');
}
