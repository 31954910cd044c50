// The run facts a generated test carries from its fixture to the reporters (Vitest task meta).
/** What a run's test carries to reporters (they never reach into fixtures). */
export interface HarnessTaskMeta {
  runId: string;
  artifactDir: string;
  suite: string;
  workload: string;
  mode: string;
  variant: string;
  params: Record<string, string | number | boolean>;
  repetition: number;
  descriptor: string;
  /** Line of the workload entry in the descriptor, for annotations. */
  descriptorLine: number;
  /** Skipped by --resume: artifactDir is the earlier passed run. */
  resumed?: boolean;
}
