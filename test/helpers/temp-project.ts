import { mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';

/** A throwaway project root: experiments/configs/{workloads,experiments}, written by the test. */
export class TempProject {
  readonly root: string;

  constructor(prefix = 'harness-test-') {
    this.root = mkdtempSync(path.join(os.tmpdir(), prefix));
    mkdirSync(path.join(this.root, 'experiments/configs/workloads'), { recursive: true });
    mkdirSync(path.join(this.root, 'experiments/configs/experiments'), { recursive: true });
  }

  // Write a file (relative to the root), creating folders; returns its absolute path.
  write(rel: string, text: string): string {
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  suite(name: string, yaml: string): string {
    return this.write(`experiments/configs/experiments/${name}.yaml`, yaml);
  }

  workload(name: string, yaml: string): string {
    return this.write(`experiments/configs/workloads/${name}.yaml`, yaml);
  }

  // Copy a file of the real project (e.g. the kv workload config) into this root.
  copyFromProject(rel: string): void {
    const dest = path.join(this.root, rel);
    mkdirSync(path.dirname(dest), { recursive: true });
    cpSync(path.join(PACKAGE_ROOT, rel), dest, { recursive: true });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A minimal valid workload config (no processes are started by planning tests). */
export const TINY_WORKLOAD = `name: tiny
server:
  name: srv
  command: sleep 30
  ports: { main: 7000 }
clients:
  name: gen
  generator: echo --port {{ports.main}}
`;
