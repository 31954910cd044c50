import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { PACKAGE_ROOT } from '../../harness/config/project-root.ts';
import { freePort } from './ports.ts';

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

/**
 * A project with the shipped kv workload and the overhead suite's kv entry (the capacity entry cut:
 * its rate search takes minutes), each on free ports, able to run real processes (the workloads,
 * the agents, node_modules). Returns the suite's text for the test to shorten and write.
 */
export async function kvOverheadProject(prefix: string): Promise<{ project: TempProject; overhead: string }> {
  const project = new TempProject(prefix);
  for (const dir of ['experiments/workloads', 'experiments/agents']) project.copyFromProject(dir);
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(project.root, 'node_modules'));
  project.write('package.json', '{ "type": "module" }\n');
  const kv = readFileSync(path.join(PACKAGE_ROOT, 'experiments/configs/workloads/kv.yaml'), 'utf8');
  project.workload('kv', kv.replace('kv: 6390', `kv: ${await freePort()}`));
  const overhead = readFileSync(path.join(PACKAGE_ROOT, 'experiments/configs/experiments/overhead.yaml'), 'utf8')
    .replace(/\n {2}# Capacity:[\s\S]*$/, '\n')
    .replace('metrics_port: 9105', `metrics_port: ${await freePort()}`);
  return { project, overhead };
}

/** A temporary folder for the JSON files a describe block writes (summaries, records), removed after it. */
export function tempJsonFiles(prefix: string): { dir: string; write: (name: string, value: unknown) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown): string => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  return { dir, write };
}
