import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What an ID selects among artifact folders. */
export interface ArtifactSelection {
  suiteExecutionIds: string[];
  runs: number;
}

// The runs of an ID in a folder of artifact folders: the suite execution with that ID, or the one
// the artifact folder of that name belongs to (the same rule the notebook applies).
export function selectArtifacts(dir: string, id: string): ArtifactSelection {
  const found: { name: string; sid: string }[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name, 'run_result.json');
    if (!existsSync(file)) continue;
    try {
      const run = (JSON.parse(readFileSync(file, 'utf8')) as { run?: { suite_execution_id?: string; session_id?: string } }).run;
      found.push({ name, sid: run?.suite_execution_id ?? run?.session_id ?? '' });
    } catch {
      // An unreadable result is not part of any selection; `harness ingest` reports it.
    }
  }
  const wanted = new Set(found.filter((f) => f.sid && (f.sid === id || f.name === id)).map((f) => f.sid));
  const runs = found.filter((f) => f.name === id || (f.sid && wanted.has(f.sid)));
  return { suiteExecutionIds: [...new Set(runs.map((r) => r.sid).filter(Boolean))], runs: runs.length };
}
