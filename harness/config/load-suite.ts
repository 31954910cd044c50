import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, IssueCollector } from './config-error.ts';
import { SUITES_DIR, displayPath } from './project-root.ts';
import { SuiteSchema, type SuiteDescriptor, type WorkloadEntry } from './schema/suite.ts';
import { closestMatch } from './suggest.ts';
import { YamlSource } from './yaml-source.ts';
import { prefixLayer, zodIssuesToConfigIssues } from './zod-issues.ts';
import { unsafeNameReason, SAFE_NAME_RULE } from '../util/safe-name.ts';

export interface LoadedWorkload {
  index: number;
  entry: WorkloadEntry;
  /** Absolute path of the workload config file. */
  configPath: string;
  configSource: YamlSource;
}

export interface LoadedSuite {
  name: string;
  /** Absolute path of the descriptor. */
  file: string;
  /** Path as shown in messages and artifacts (relative to the root when inside it). */
  displayFile: string;
  rootDir: string;
  source: YamlSource;
  descriptor: SuiteDescriptor;
  workloads: LoadedWorkload[];
}

// Suite names available under the project's suite folder.
export function listSuites(rootDir: string): string[] {
  const dir = path.join(rootDir, SUITES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

// Resolve `--suite overhead` or `--suite path/to/x.yaml` to a descriptor file.
export function resolveSuitePath(suite: string, rootDir: string): string {
  const candidates = [path.resolve(rootDir, suite), path.resolve(suite)];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  for (const ext of ['.yaml', '.yml']) {
    const byName = path.join(rootDir, SUITES_DIR, `${suite}${ext}`);
    if (existsSync(byName)) return byName;
  }
  const known = listSuites(rootDir);
  throw new ConfigError(
    [
      {
        file: displayPath(path.join(rootDir, SUITES_DIR), rootDir),
        line: 0,
        column: 0,
        keyPath: '',
        message: `no suite named \`${suite}\` (looked for ${SUITES_DIR}/${suite}.yaml and the path ${suite})`,
        hint: known.length ? (closestMatch(suite, known) ? `did you mean \`${closestMatch(suite, known)}\`?` : `available suites: ${known.join(', ')}`) : `create ${SUITES_DIR}/${suite}.yaml`,
      },
    ],
    'Unknown suite',
  );
}

// Load and validate a suite descriptor and read every workload config it references.
export function loadSuite(suite: string, rootDir: string): LoadedSuite {
  const file = resolveSuitePath(suite, rootDir);
  const displayFile = displayPath(file, rootDir);
  const issues = new IssueCollector();
  const { source, issues: syntax } = YamlSource.read(file, displayFile);
  syntax.forEach((i) => issues.add(i));
  issues.throwIfAny();

  const parsed = SuiteSchema.safeParse(source.toJS() ?? {});
  if (!parsed.success) {
    zodIssuesToConfigIssues(parsed.error, SuiteSchema, [prefixLayer(source, [], [])], displayFile).forEach((i) => issues.add(i));
    issues.throwIfAny();
  }
  const descriptor = parsed.data!;
  checkDuplicateNames(descriptor, source, issues);

  const workloads: LoadedWorkload[] = [];
  descriptor.workloads.forEach((entry, index) => {
    const configPath = path.resolve(rootDir, entry.config);
    if (!existsSync(configPath)) {
      issues.add(
        source.issueAt(['workloads', index, 'config'], `workload config not found: ${entry.config}`, {
          hint: `paths are relative to the project root (${rootDir}); workload configs live in experiments/configs/workloads/`,
        }),
      );
      return;
    }
    const loaded = YamlSource.read(configPath, displayPath(configPath, rootDir));
    // A file that cannot be read at all (a device, /proc, too big) is blamed on the line naming it.
    loaded.issues.forEach((i) => issues.add(i.line > 0 ? i : source.issueAt(['workloads', index, 'config'], `${entry.config}: ${i.message}`)));
    workloads.push({ index, entry, configPath, configSource: loaded.source });
  });
  issues.throwIfAny();

  const name = descriptor.name ?? path.basename(file).replace(/\.ya?ml$/, '');
  checkSuiteName(name, descriptor.name !== undefined, source, issues);
  issues.throwIfAny();
  return { name, file, displayFile, rootDir, source, descriptor, workloads };
}

function checkDuplicateNames(descriptor: SuiteDescriptor, source: YamlSource, issues: IssueCollector): void {
  const seen = new Map<string, number>();
  descriptor.workloads.forEach((w, i) => {
    const first = seen.get(w.name);
    if (first !== undefined) {
      issues.add(source.issueAt(['workloads', i, 'name'], `workload name \`${w.name}\` is used twice (also workloads[${first}])`, {
        hint: 'names become test file names (suites/<suite>/<name>.test.ts); make them unique',
      }));
    } else seen.set(w.name, i);
    const modes = new Set<string>();
    w.modes.forEach((m, j) => {
      if (modes.has(m)) issues.add(source.issueAt(['workloads', i, 'modes', j], `mode \`${m}\` is listed twice`));
      modes.add(m);
    });
  });
}

// The suite name names suites/<suite>/ and reports/<suite>/: from `name:` or the file name, it must be safe.
function checkSuiteName(name: string, written: boolean, source: YamlSource, issues: IssueCollector): void {
  const reason = unsafeNameReason(name);
  if (!reason) return;
  issues.add(source.issueAt(written ? ['name'] : [], `suite name: ${reason}`, { hint: written ? SAFE_NAME_RULE : `the suite is named after its file; rename the file or set \`name:\` (${SAFE_NAME_RULE})` }));
}
