// The run facts a generated test carries from its fixture to the reporters (Vitest task meta).

/** Which run a result belongs to: the fields every record of a run shares. */
export interface RunIdentity {
  suite: string;
  workload: string;
  mode: string;
  variant: string;
  params: Record<string, string | number | boolean>;
  repetition: number;
}

/** What a run's test carries to reporters (they never reach into fixtures). */
export interface HarnessTaskMeta extends RunIdentity {
  runId: string;
  artifactDir: string;
  descriptor: string;
  /** Line of the workload entry in the descriptor, for annotations. */
  descriptorLine: number;
  /** Skipped by --resume: artifactDir is the earlier passed run. */
  resumed?: boolean;
  /** Skipped because the precision stop rule had already stopped (docs/precision.md): why. */
  precisionStop?: string;
}
