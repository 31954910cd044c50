import { ArtifactStore } from './artifact-store.ts';

export interface PreviousRun {
  id: string;
  name: string;
  status: string;
  dir: string;
  startedAt: string;
  durationMs: number;
  /** key_metrics of the result, to re-check it against the current validity rules and expectations. */
  keyMetrics: Record<string, number>;
  /** The run had load clients (validity gates apply only then). */
  hasClients: boolean;
}

/** Run results already in an artifacts root, by run id and by name (latest first). */
export class PreviousRuns {
  private constructor(private readonly runs: PreviousRun[]) {}

  // Scan <root>/*/run_result.json once through the artifact store (identity, status and key metrics
  // are kept); a result it cannot trust throws ArtifactReadError.
  static scan(root: string): PreviousRuns {
    const runs: PreviousRun[] = new ArtifactStore(root).records().map(({ dir, result: r }) => ({
      id: r.run.id,
      name: r.run.name,
      status: r.status,
      dir,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      keyMetrics: r.key_metrics ?? {},
      hasClients: (r.commands ?? []).some((c) => c.role === 'client'),
    }));
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
