import { ArtifactStore, executionOf } from '../results/artifact-store.ts';

/** What an ID selects among artifact folders. */
export interface ArtifactSelection {
  suiteExecutionIds: string[];
  runs: number;
}

// The runs of an ID in a folder of artifact folders: the suite execution with that ID, or the one
// the artifact folder of that name belongs to (the same rule the notebook applies). Read through the
// artifact store: a result it cannot trust is an error naming the file, never skipped or blocked on.
export function selectArtifacts(dir: string, id: string): ArtifactSelection {
  const runs = new ArtifactStore(dir).selectExecution(id);
  return { suiteExecutionIds: [...new Set(runs.map(executionOf).filter((x): x is string => !!x))], runs: runs.length };
}

