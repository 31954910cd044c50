// Names that become parts of paths (suites/<suite>/<workload>.test.ts, <name>_server.log,
// metrics/<client>.json, artifact folder names, reports/<suite>/): one rule for all of them, checked
// where a descriptor is loaded and again wherever such a name is read back from an artifact.

/** Longest name: leaves room for the artifact folder name under NAME_MAX (255). */
export const MAX_NAME_LENGTH = 64;

/** Letters, digits, `_`, `-`, `.`; not starting with `.` or `-` (no `..`, no hidden files, no flags). */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const SAFE_NAME_RULE = `use letters, digits, \`_\`, \`-\`, \`.\` (not first: \`.\` or \`-\`), at most ${MAX_NAME_LENGTH} characters; it names files`;

// Why a name cannot name a file, or null when it can.
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is ${name.length} characters long, more than ${MAX_NAME_LENGTH}`;
  if (!SAFE_NAME.test(name)) return `\`${name.length > 80 ? `${name.slice(0, 80)}…` : name}\` has characters that cannot name a file safely`;
  return null;
}

export function isSafeName(name: unknown): name is string {
  return typeof name === 'string' && unsafeNameReason(name) === null;
}
