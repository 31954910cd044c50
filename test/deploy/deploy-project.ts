// A throwaway copy of the project's workload programs (node_modules linked), so deploy tests can
// change a source file without touching the checkout.
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { TempProject } from '../helpers/temp-project.ts';

export function workloadsProject(prefix: string): TempProject {
  const project = new TempProject(prefix);
  project.copyFromProject('experiments/workloads');
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(project.root, 'node_modules'));
  return project;
}
