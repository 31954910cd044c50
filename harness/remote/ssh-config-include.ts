import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';

export interface IncludeContext {
  home: string;
  /** A user config anchors relative paths in ~/.ssh and may use `~`; the system config in /etc/ssh. */
  kind: 'user' | 'system';
  /** `file:line` of the Include, for problems. */
  where: string;
}

// The files one Include argument names, in lexical order; no match is no file (OpenSSH only logs it).
export function expandIncludePath(arg: string, ctx: IncludeContext, problems: string[]): string[] {
  if (arg.startsWith('~') && ctx.kind === 'system') {
    problems.push(`${ctx.where}: Include ${arg}: \`~\` is not allowed in the system configuration`);
    return [];
  }
  let full: string;
  if (arg === '~' || arg.startsWith('~/')) full = path.join(ctx.home, arg.slice(1));
  else if (arg.startsWith('~')) full = expandUserHome(arg, ctx, problems) ?? '';
  else if (path.isAbsolute(arg)) full = arg;
  else full = path.join(ctx.kind === 'user' ? path.join(ctx.home, '.ssh') : '/etc/ssh', arg);
  if (!full) return [];
  full = path.resolve(full);
  if (!isDynamicPattern(full)) return isFile(full) ? [full] : [];
  // Glob below the longest directory without wildcards, as glob(3) walks it; sort like the C locale.
  const parts = full.split(path.sep);
  const fixed = parts.findIndex((p) => isDynamicPattern(p));
  const cwd = parts.slice(0, fixed).join(path.sep) || path.sep;
  const pattern = parts.slice(fixed).join('/');
  const found = globSync(pattern, { cwd, absolute: true, onlyFiles: true, expandDirectories: false, dot: false, followSymbolicLinks: true });
  return found.map((f) => path.resolve(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// `~name/…`: another user's home, as glob(3)'s GLOB_TILDE does; only the current user is known here.
function expandUserHome(arg: string, ctx: IncludeContext, problems: string[]): string | undefined {
  const slash = arg.indexOf('/');
  const name = arg.slice(1, slash < 0 ? undefined : slash);
  if (name === os.userInfo().username) return path.join(ctx.home, slash < 0 ? '' : arg.slice(slash));
  problems.push(`${ctx.where}: Include ${arg}: \`~${name}\` (another user's home) is not supported; write the path out`);
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
