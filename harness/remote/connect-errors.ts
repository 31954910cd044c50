import type { ResolvedHost } from './ssh-config.ts';
import { HarnessError } from '../errors/harness-error.ts';

export type ConnectFailure = 'auth' | 'identity' | 'timeout' | 'refused' | 'unreachable' | 'dns' | 'lost' | 'closed' | 'other';

/** Connecting to (or staying connected with) a remote host failed; the message says which host and what to do. */
export class RemoteConnectError extends HarnessError {
  readonly failureKind = 'remote' as const;
  override name = 'RemoteConnectError';
  constructor(
    readonly kind: ConnectFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// `gen1 (10.211.0.2:22)`, or `10.211.0.2:22` when the alias is the address.
export function hostLabel(t: Pick<ResolvedHost, 'alias' | 'hostName' | 'port'>): string {
  return t.alias === t.hostName ? `${t.hostName}:${t.port}` : `${t.alias} (${t.hostName}:${t.port})`;
}

/** What was offered during authentication, for the auth-failure message. */
export interface OfferedIdentity {
  file: string;
  /** `ssh-ed25519 SHA256:…` */
  description: string;
}

// Turn an ssh2 / socket error into one that names the host, port, user or key and the fix.
export function classifyConnectError(
  err: Error & { level?: string; code?: string },
  t: ResolvedHost,
  ctx: { timeoutMs: number; identities: OfferedIdentity[]; agent: boolean; /** @default hostLabel(t) */ label?: string },
): RemoteConnectError {
  const label = ctx.label ?? hostLabel(t);
  // The alias alone reads best for a direct host; a jump host or a chain needs its whole label.
  const who = label === hostLabel(t) ? t.alias : label;
  const opts = { cause: err };
  if (err.level === 'client-authentication') {
    const offered = ctx.identities.map((i) => `${i.file} (${i.description})`);
    if (ctx.agent) offered.push(`keys from ssh-agent (${process.env.SSH_AUTH_SOCK ?? 'SSH_AUTH_SOCK'})`);
    const pub = ctx.identities[0] ? `${ctx.identities[0].file}.pub` : '~/.ssh/id_ed25519.pub';
    return new RemoteConnectError(
      'auth',
      [
        `Authentication failed for ${t.user}@${t.hostName}:${t.port} (${who}): the server accepted none of the keys offered:`,
        ...offered.map((o) => `  ${o}`),
        `Add the public key to ~${t.user}/.ssh/authorized_keys on the host (e.g. ssh-copy-id -i ${pub} -p ${t.port} ${t.user}@${t.hostName}),`,
        'or point remote.identity_file / IdentityFile in ssh_config at the right key, and check remote.user.',
      ].join('\n'),
      opts,
    );
  }
  if (err.level === 'client-timeout') {
    return new RemoteConnectError(
      'timeout',
      `Timed out after ${ctx.timeoutMs} ms connecting to ${label}: no SSH handshake (host down or firewalled, wrong port, or not an SSH server). Check the address and port${t.alias === 'gen1' ? '; for the testbed: bash testbed/testbed.sh status' : ''}.`,
      opts,
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return new RemoteConnectError('refused', `Connection refused by ${label}: nothing listens on port ${t.port} there. Is sshd running, and is the port right?`, opts);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ETIMEDOUT':
    case 'EADDRNOTAVAIL':
      return new RemoteConnectError('unreachable', `Host ${label} is unreachable (${err.code}): no route to ${t.hostName}. Check the address and the network link.`, opts);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new RemoteConnectError(
        'dns',
        `Cannot resolve host name "${t.hostName}" for ${who} (${err.code}): DNS lookup failed. Check the host in the remote spec or HostName in ${t.configFile ?? 'ssh_config'}.`,
        opts,
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new RemoteConnectError('closed', `Connection to ${label} was reset during the SSH handshake (${err.code}): the server closed it (MaxStartups, AllowUsers, tcp wrappers?). See the server's sshd log.`, opts);
  }
  return new RemoteConnectError('other', `Could not connect to ${label} as ${t.user}: ${err.message}`, opts);
}
