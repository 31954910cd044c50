import { SshConfigError } from './ssh-config-lines.ts';

/** One hop of a ProxyJump list: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

// Parse a ProxyJump value (`bastion,admin@inner:2222`); null for `none`. `where` names its origin.
export function parseProxyJump(value: string, where: string): JumpSpec[] | null {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'none') return null;
  const problems: string[] = [];
  const hops = trimmed.split(',').map((part) => parseJumpHost(part.trim(), where, problems));
  if (problems.length > 0) throw new SshConfigError(problems.join('\n'));
  return hops;
}

function parseJumpHost(raw: string, where: string, problems: string[]): JumpSpec {
  const bad = (why: string): JumpSpec => (problems.push(`${where}: ProxyJump "${raw}": ${why}`), { host: raw });
  if (raw === '') return bad('empty hop (want [user@]host[:port], comma-separated)');
  let rest = raw.startsWith('ssh://') ? raw.slice('ssh://'.length).replace(/\/$/, '') : raw;
  if (rest.includes('/')) return bad('an ssh:// URI may not have a path');
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  rest = at >= 0 ? rest.slice(at + 1) : rest;
  if (user === '') return bad('empty user before @');
  let host = rest;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) [, host = '', portText] = bracket;
  else if (rest.split(':').length === 2) [host = '', portText] = rest.split(':');
  if (host === '' || /\s/.test(host)) return bad('no host name');
  const hop: JumpSpec = { host };
  if (user !== undefined) hop.user = user;
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return bad(`port "${portText}" is not 1-65535`);
    hop.port = port;
  }
  return hop;
}

