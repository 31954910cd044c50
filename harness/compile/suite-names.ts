import path from 'node:path';
import type { ConfigIssue } from '../config/config-error.ts';
import { SUITES_DIR } from '../config/project-root.ts';

/**
 * Suite names where one is a prefix of another (`sanity`, `sanity-remote`). Vitest filters files
 * by substring, so `npx vitest run suites/sanity` would run both suites: each clash is one issue,
 * pinned to the longer name's descriptor (the one to rename).
 */
export function suiteNameClashes(names: readonly string[]): ConfigIssue[] {
  const sorted = [...new Set(names)].sort();
  const issues: ConfigIssue[] = [];
  for (const short of sorted) {
    for (const long of sorted) {
      if (long === short || !long.startsWith(short)) continue;
      issues.push({
        file: path.join(SUITES_DIR, `${long}.yaml`),
        line: 0,
        column: 0,
        keyPath: '',
        message: `suite name \`${long}\` starts with the suite name \`${short}\`: \`npx vitest run suites/${short}\` would run both suites (Vitest selects files by substring)`,
        hint: `rename one so that no suite name is a prefix of another (e.g. \`${long.slice(short.length).replace(/^[-_.]+/, '') || 'other'}-${short}\`), then run \`npx harness compile\``,
      });
    }
  }
  return issues;
}
