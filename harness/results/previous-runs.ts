import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { READ_LIMITS, readTextBounded, UnsafeFileError } from '../util/safe-file.ts';
import { RunResultSchema } from './run-result-schema.ts';

/** A run_result.json in the artifacts root that --resume cannot trust (unreadable or off-schema). */
export class PreviousRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreviousRunError';
  }
}

// Read one earlier result: bounded, regular files only, validated against the schema.
function readPreviousResult(file: string): { run: { id: string; name: string }; status: string; started_at: string; key_metrics?: Record<string, number>; commands?: { role?: string }[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readTextBounded(file, { maxBytes: READ_LIMITS.json, what: 'run_result.json' }));
  } catch (err) {
    throw new PreviousRunError(err instanceof UnsafeFileError ? `--resume cannot read ${err.message}` : `--resume cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = RunResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PreviousRunError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message} (not a run_result.json of this harness; move it out of the artifacts root or delete it)`);
  }
  return parsed.data as ReturnType<typeof readPreviousResult>;
}

export interface PreviousRun {
  id: string;
  name: string;
  status: string;
  dir: string;
  startedAt: string;
  /** key_metrics of the result, to re-check it against the current validity rules and expectations. */
  keyMetrics: Record<string, number>;
  /** The run had load clients (validity gates apply only then). */
  hasClients: boolean;
}

/** Run results already in an artifacts root, by run id and by name (latest first). */
export class PreviousRuns {
  private constructor(private readonly runs: PreviousRun[]) {}

  // Scan <root>/*/run_result.json once (identity, status and key metrics are kept).
  static scan(root: string): PreviousRuns {
    const runs: PreviousRun[] = [];
    if (existsSync(root)) {
      for (const name of readdirSync(root)) {
        const file = path.join(root, name, 'run_result.json');
        if (!existsSync(file)) continue;
        const r = readPreviousResult(file);
        const hasClients = (r.commands ?? []).some((c) => c.role === 'client');
        runs.push({ id: r.run.id, name: r.run.name, status: r.status, dir: path.join(root, name), startedAt: r.started_at, keyMetrics: r.key_metrics ?? {}, hasClients });
      }
    }
    runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return new PreviousRuns(runs);
  }

  // The latest passed result of exactly this run (same id: same spec, parameters, harness version).
  passed(id: string): PreviousRun | undefined {
    return this.runs.find((r) => r.id === id && r.status === 'passed');
  }

  // The latest result under this readable name, whatever its id.
  latestByName(name: string): PreviousRun | undefined {
    return this.runs.find((r) => r.name === name);
  }
}

// Key paths where two JSON values differ (for "changed because …" in a resume plan).
export function diffPaths(a: unknown, b: unknown, prefix = '', out: string[] = [], limit = 8): string[] {
  if (out.length >= limit) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out, limit);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(prefix || '(root)');
  return out;
}
