import { readFileSync } from 'node:fs';
import path from 'node:path';
import { matchPatternList } from './host-patterns.ts';
import { expandIncludePath } from './ssh-config-include.ts';
import { parseConfigLines, SshConfigError, type ConfigLine } from './ssh-config-lines.ts';

// Our own small evaluator of ssh_config(5) rather than the `ssh-config` package: Include needs each
// included file's Host/Match state restored after it (OpenSSH's readconf.c), every value must keep
// the file:line it came from for error messages, and `Match exec` must never run.

/** OpenSSH's READCONF_MAX_DEPTH. */
export const MAX_INCLUDE_DEPTH = 16;
/** Keywords whose every applicable occurrence counts (OpenSSH adds them up); all others: first wins. */
const ACCUMULATE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv']);
/** Match criteria newer than the harness evaluates; they never match and are reported. */
const UNEVALUATED = new Set(['localnetwork', 'tagged', 'version', 'sessiontype', 'command']);

export interface EvaluateOptions {
  /** The host as the remote spec names it (OpenSSH's host argument). */
  host: string;
  home: string;
  localUser: string;
  /** A user fixed before the file is read (the remote spec's), for `Match user`. */
  user?: string | undefined;
  /** Relative Include paths are under ~/.ssh for a user config, /etc/ssh for the system one. @default 'user' */
  kind?: 'user' | 'system';
}

/** What applies to one host: each keyword's first value (or all of them for ACCUMULATE), with file:line. */
export interface EvaluatedConfig {
  values: Map<string, ConfigLine[]>;
  /** Directives and Match criteria that applied but that the harness does not evaluate. */
  unevaluated: string[];
}

/** An Include being followed: the including file and its line. */
interface Include {
  file: string;
  where: string;
}

interface Pass {
  opts: EvaluateOptions;
  /** Host lines match this: the host argument, or HostName in the final pass. */
  host: string;
  final: boolean;
  values: Map<string, ConfigLine[]>;
  unevaluated: Set<string>;
  wantFinal: boolean;
  problems: string[];
}

// Evaluate an ssh_config file (and what it includes) for one host the way `ssh <host>` does.
export function evaluateSshConfig(file: string, opts: EvaluateOptions): EvaluatedConfig {
  const first = newPass(opts, opts.host, false);
  readConfigFile(first, file, { active: true }, false, [], 0);
  let done = first;
  // `Match final` asks for a second pass with the host name substituted (first values still win).
  if (first.wantFinal && first.problems.length === 0) {
    done = { ...newPass(opts, currentHostName(first), true), values: first.values, unevaluated: first.unevaluated };
    readConfigFile(done, file, { active: true }, false, [], 0);
  }
  if (done.problems.length > 0) throw new SshConfigError(done.problems.join('\n'));
  return { values: done.values, unevaluated: [...done.unevaluated] };
}

function newPass(opts: EvaluateOptions, host: string, final: boolean): Pass {
  return { opts, host, final, values: new Map(), unevaluated: new Set(), wantFinal: false, problems: [] };
}

// One file at include depth `depth`; `state.active` is shared with the includer, as OpenSSH's activep.
function readConfigFile(pass: Pass, file: string, state: { active: boolean }, neverMatch: boolean, stack: readonly Include[], depth: number): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // A missing or vanished file means no settings, as OpenSSH skips it; anything else is a problem.
    if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') pass.problems.push(`${stack.at(-1)?.where ?? file}: cannot read ${file}: ${e.message}`);
    return;
  }
  for (const line of parseConfigLines(text, file, pass.problems)) {
    const where = `${file}:${line.line}`;
    switch (line.keyword) {
      case 'host':
        state.active = !neverMatch && matchPatternList(line.args, pass.host);
        break;
      case 'match': {
        const matched = evaluateMatch(pass, line, neverMatch);
        state.active = !neverMatch && matched;
        break;
      }
      case 'include': {
        const outer = state.active;
        for (const pattern of line.args) {
          for (const included of expandIncludePath(pattern, { home: pass.opts.home, kind: pass.opts.kind ?? 'user', where }, pass.problems)) {
            const chain = [...stack, { file: path.resolve(file), where }];
            const trail = (): string => [...chain.map((c) => c.where), included].join(' -> ');
            if (chain.some((c) => c.file === included)) {
              pass.problems.push(`${where}: Include cycle: ${trail()}`);
              continue;
            }
            if (depth + 1 > MAX_INCLUDE_DEPTH) {
              pass.problems.push(`${where}: Include nested more than ${MAX_INCLUDE_DEPTH} deep (OpenSSH's limit): ${trail()}`);
              continue;
            }
            readConfigFile(pass, included, state, neverMatch || !outer, chain, depth + 1);
            // Host and Match lines in an included file do not change the includer's block.
            state.active = outer;
          }
        }
        break;
      }
      default:
        if (state.active) applyValue(pass.values, line);
    }
  }
}

function applyValue(values: Map<string, ConfigLine[]>, line: ConfigLine): void {
  const key = line.keyword;
  // ProxyJump and ProxyCommand compete: whichever comes first wins (ssh_config(5)).
  if ((key === 'proxyjump' && values.has('proxycommand')) || (key === 'proxycommand' && values.has('proxyjump'))) return;
  const list = values.get(key);
  if (!list) values.set(key, [line]);
  else if (ACCUMULATE.has(key)) list.push(line);
}

// The HostName obtained so far with %h expanded, else the host (what `Match host` compares).
function currentHostName(pass: Pass): string {
  const hostName = pass.values.get('hostname')?.[0]?.args[0];
  return hostName === undefined ? pass.opts.host : hostName.replace(/%(.)/g, (all, t: string) => (t === 'h' ? pass.opts.host : t === '%' ? '%' : all));
}

// A Match line's criteria, all of which must hold. `exec` is never run: a Match with it never matches.
function evaluateMatch(pass: Pass, line: ConfigLine, neverMatch: boolean): boolean {
  const where = `${line.file}:${line.line}`;
  const args = [...line.args];
  let result = true;
  while (args.length > 0) {
    const raw = args.shift()!;
    const negate = raw.startsWith('!');
    const criterion = (negate ? raw.slice(1) : raw).toLowerCase();
    let r: boolean;
    if (criterion === 'all') {
      r = true;
    } else if (criterion === 'canonical' || criterion === 'final') {
      if (criterion === 'final' && !neverMatch) pass.wantFinal = true;
      r = pass.final;
    } else {
      const value = args.shift();
      if (value === undefined) {
        pass.problems.push(`${where}: Match ${raw} needs an argument`);
        return false;
      }
      const list = value.split(',');
      if (criterion === 'exec') {
        if (!neverMatch) pass.unevaluated.add('match exec');
        result = false; // never run a command from the file, whatever the negation says
        continue;
      }
      if (UNEVALUATED.has(criterion)) {
        if (!neverMatch) pass.unevaluated.add(`match ${criterion}`);
        result = false;
        continue;
      }
      switch (criterion) {
        case 'host':
          r = matchPatternList(list, pass.final ? pass.host : currentHostName(pass));
          break;
        case 'originalhost':
          r = matchPatternList(list, pass.opts.host);
          break;
        case 'user':
          r = matchPatternList(list, pass.opts.user ?? pass.values.get('user')?.[0]?.args[0] ?? pass.opts.localUser, false);
          break;
        case 'localuser':
          r = matchPatternList(list, pass.opts.localUser, false);
          break;
        default:
          pass.problems.push(`${where}: unsupported Match criterion "${raw}"`);
          return false;
      }
    }
    if (r === negate) result = false;
  }
  return result;
}
