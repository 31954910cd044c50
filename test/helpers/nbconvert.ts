import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { findExecutable } from '../../harness/process/index.ts';

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
export interface ExecutedNotebook {
  cells: { cell_type: string; execution_count?: number | null; outputs?: Output[]; metadata: { tags?: string[] } }[];
}

// Execute a notebook headlessly as a user would (`jupyter nbconvert --to notebook --execute`); returns the executed copy.
export async function executeNotebook(file: string): Promise<ExecutedNotebook> {
  const jupyter = findExecutable('jupyter');
  if (!jupyter) throw new Error('jupyter is not installed: apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib (CI installs them in .ci/install-deps.sh)');
  const out = `${path.basename(file, '.ipynb')}.out.ipynb`;
  const res = await execa(jupyter, ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=300', file, '--output', out], {
    reject: false,
    all: true,
    // Headless plotting; the debugger notice of frozen modules is noise here.
    env: { MPLBACKEND: 'Agg', PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    timeout: 400_000,
  });
  if (res.exitCode !== 0) throw new Error(`nbconvert failed (exit ${res.exitCode}):\n${res.all?.slice(-4000)}`);
  return JSON.parse(readFileSync(path.join(path.dirname(file), out), 'utf8')) as ExecutedNotebook;
}

// The JSON payloads the notebook displays (`application/json`), merged: what the tests compare.
export function displayedJson(nb: ExecutedNotebook): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of nb.cells) for (const o of c.outputs ?? []) if (o.data?.['application/json']) Object.assign(out, o.data['application/json']);
  return out;
}

// Every code cell ran (has an execution count) and none raised.
export function cellProblems(nb: ExecutedNotebook): string[] {
  const problems: string[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if (typeof c.execution_count !== 'number') problems.push(`cell ${i} did not run`);
    for (const o of c.outputs ?? []) if (o.output_type === 'error') problems.push(`cell ${i} raised ${o.ename}: ${o.evalue}`);
  });
  return problems;
}

// The text a notebook printed (stdout streams), for assertions on its messages.
export function printed(nb: ExecutedNotebook): string {
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'stream').map((o) => [o.text ?? ''].flat().join('')).join('');
}
