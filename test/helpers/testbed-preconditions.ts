import { accessSync, constants } from 'node:fs';
import path from 'node:path';

// Every missing precondition of a testbed test (root, the tools it runs), each with what to do about it.
// Tests call this and fail (never skip) when the list is not empty.
export function missingTestbedPreconditions(tools: readonly (readonly [tool: string, pkg: string])[]): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('not running as root (the testbed creates a network namespace, a veth pair, a user and an sshd): run the tests as root');
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  const found = (tool: string): boolean =>
    dirs.some((d) => {
      try {
        accessSync(path.join(d, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  for (const [tool, pkg] of tools) {
    if (!found(tool)) problems.push(`${tool} not found: install ${pkg} (bash testbed/install-deps.sh)`);
  }
  return problems;
}
