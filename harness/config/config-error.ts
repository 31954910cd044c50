import { HarnessError } from '../errors/harness-error.ts';
// One problem found in a descriptor or workload config, pinned to file:line:column and key path.
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Key path inside the file, e.g. `workloads[0].repetitons`. Empty for the document root. */
  keyPath: string;
  message: string;
  /** How to fix it, when we can tell (e.g. "did you mean `repetitions`?"). */
  hint?: string;
}

// Render a key path the way users write it: `workloads[0].overrides.instrumentation`.
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

// Render one issue as `file:line:col  key: message (hint)`, the shape editors and terminals link.
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const key = issue.keyPath ? ` ${issue.keyPath}:` : '';
  const hint = issue.hint ? `\n    ${issue.hint}` : '';
  return `  ${where}${key} ${issue.message}${hint}`;
}

/** Every problem of a configuration, collected first and reported together. */
export class ConfigError extends HarnessError {
  readonly failureKind = 'config' as const;
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], title = 'Invalid experiment configuration') {
    const unique = dedupeIssues(issues);
    const count = unique.length === 1 ? '1 problem' : `${unique.length} problems`;
    super(`${title} (${count}):\n${unique.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = unique;
  }
}

// Drop repeats (the same problem seen through several variants) and sort by position.
export function dedupeIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Map<string, ConfigIssue>();
  for (const issue of issues) {
    const key = `${issue.file}\0${issue.line}\0${issue.column}\0${issue.keyPath}\0${issue.message}`;
    if (!seen.has(key)) seen.set(key, issue);
  }
  return [...seen.values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

// Collects issues while loading, so every problem is reported at once.
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];

  add(issue: ConfigIssue): void {
    this.issues.push(issue);
  }

  get hasIssues(): boolean {
    return this.issues.length > 0;
  }

  throwIfAny(title?: string): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, title);
  }
}
