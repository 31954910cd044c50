import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { loadSsh2 } from '../util/lazy-module.ts';
import { classifyConnectError, RemoteConnectError, type ConnectFailure } from './connect-errors.ts';
import { loadIdentities } from './identities.ts';
import { checkHostKey, fingerprintSha256, hostKeyError, keyTypeOf, knownHostsName, knownKeyTypes, loadKnownHosts, type HostKeyError } from './known-hosts.ts';
import type { ResolvedHost } from './ssh-config.ts';

// ssh2's defaults; the types known_hosts holds for the host go first, as OpenSSH orders them.
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
/** The project's testbed (testbed/testbed.sh) lives in 10.211.0.0/24 and writes its own known_hosts. */
const TESTBED_ADDRESS = /^10\.211\.0\.\d{1,3}$/;
const TESTBED_HINT = 'For the testbed: bash testbed/testbed.sh up (re)writes .testbed/known_hosts; connect through its ssh_config (ssh_config: .testbed/ssh_config).';

/** Connections that emitted `close` (ssh2 does not say so itself). */
const closedClients = new WeakSet<Client>();

export interface SshConnectOptions {
  /** How this connection reads in messages: `gen1 (10.211.0.2:22)`, or a jump host with its place in the chain. */
  label: string;
  timeoutMs: number;
  /** A stream forwarded through the previous jump host; absent: a TCP connection to hostName:port. */
  sock?: Duplex;
  /** Appended to the unknown-host-key message. @default the testbed's hint for 10.211.0.x */
  hostKeyHint?: string;
  /** Replaces the remote-spec opt-out sentence of host key errors (jump hosts cannot opt out). */
  hostKeyOptOut?: string;
  /** Called with `ssh-ed25519 SHA256:…` as soon as the server offers its key. */
  onHostKey?: (key: string) => void;
}

// One SSH handshake with host-key verification against known_hosts; the connection is ready when
// this resolves, and already closed again when it rejects (with an error naming `label` and the fix).
export async function openSshConnection(t: ResolvedHost, o: SshConnectOptions): Promise<Client> {
  const ids = loadIdentities(t);
  const entries = t.strictHostKeyChecking ? loadKnownHosts(t.knownHostsFiles) : [];
  const lookup = knownHostsName(t.hostKeyAlias, t.port);
  const preferred = knownKeyTypes(entries, lookup).flatMap((k) => (k === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k]));
  const algorithms = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])].filter((a) => HOST_KEY_ALGORITHMS.includes(a as ServerHostKeyAlgorithm)) as ServerHostKeyAlgorithm[];
  let keyError: HostKeyError | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    o.onHostKey?.(`${keyTypeOf(key)} ${fingerprintSha256(key)}`);
    if (!t.strictHostKeyChecking) return true;
    const check = checkHostKey(entries, lookup, key);
    if (check.status === 'ok') return true;
    const hint = o.hostKeyHint ?? (TESTBED_ADDRESS.test(t.hostName) ? TESTBED_HINT : undefined);
    keyError = hostKeyError(check, key, { label: o.label, name: lookup, host: t.hostKeyAlias, port: t.port, knownHostsFiles: t.knownHostsFiles, ...(hint ? { hint } : {}), ...(o.hostKeyOptOut ? { optOut: o.hostKeyOptOut } : {}) });
    return false;
  };
  const config: ConnectConfig = {
    host: t.hostName,
    port: t.port,
    username: t.user,
    authHandler: ids.methods,
    hostVerifier,
    readyTimeout: o.timeoutMs,
    keepaliveInterval: t.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: t.keepaliveCountMax ?? 3,
    algorithms: { serverHostKey: algorithms },
    ...(o.sock ? { sock: o.sock } : {}),
  };
  const client = new (loadSsh2().Client)();
  client.once('close', () => closedClients.add(client));
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      client.removeListener('ready', onReady).removeListener('error', onError).removeListener('close', onClose);
    };
    const onReady = (): void => (cleanup(), resolve());
    const onError = (err: Error): void => {
      cleanup();
      client.on('error', () => undefined); // late errors of a failed connection are noise
      client.end();
      reject(keyError ?? classifyConnectError(err, t, { timeoutMs: o.timeoutMs, identities: ids.offered, agent: ids.agent, label: o.label }));
    };
    const onClose = (): void => (cleanup(), reject(keyError ?? new RemoteConnectError('closed', `${o.label} closed the connection during the SSH handshake`)));
    client.once('ready', onReady).once('error', onError).once('close', onClose);
    try {
      client.connect(config);
    } catch (err) {
      onError(err as Error);
    }
  });
  return client;
}

// A TCP connection from a jump host to the next host (`ssh -W host:port`), bounded by the timeout.
export function forwardThrough(jump: Client, next: ResolvedHost, labels: { jump: string; next: string }, timeoutMs: number): Promise<ClientChannel> {
  return new Promise<ClientChannel>((resolve, reject) => {
    let settled = false;
    const fail = (kind: ConnectFailure, message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      jump.removeListener('close', onClose);
      reject(new RemoteConnectError(kind, message, cause ? { cause } : undefined));
    };
    const timer = setTimeout(() => fail('timeout', `Timed out after ${timeoutMs} ms waiting for ${labels.jump} to open a connection to ${labels.next}`), timeoutMs);
    const onClose = (): void => fail('lost', `${labels.jump} closed the connection while opening a tunnel to ${labels.next}`);
    jump.once('close', onClose);
    try {
      jump.forwardOut('127.0.0.1', 0, next.hostName, next.port, (err, channel) => {
        if (settled) return void channel?.close();
        if (err) {
          const why = err.message.replace(/^\(SSH\) Channel open failure: /, '');
          const kind: ConnectFailure = /refused/i.test(why) ? 'refused' : /no route|unreachable/i.test(why) ? 'unreachable' : /name|resolve/i.test(why) ? 'dns' : 'other';
          const hint = (err as Error & { reason?: number }).reason === 1 ? ' (its sshd refuses TCP forwarding: AllowTcpForwarding / PermitOpen)' : '';
          return fail(kind, `${labels.jump} could not open a connection to ${labels.next}: ${why || 'channel open failed'}${hint}`, err);
        }
        settled = true;
        clearTimeout(timer);
        jump.removeListener('close', onClose);
        resolve(channel);
      });
    } catch (err) {
      fail('lost', `${labels.jump}: ${(err as Error).message}`, err);
    }
  });
}

// End a connection and wait (bounded) until it closed; destroy it if it does not.
export function closeClient(client: Client, timeoutMs = 2000): Promise<void> {
  if (closedClients.has(client)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => (client.destroy(), resolve()), timeoutMs);
    client.once('close', () => (clearTimeout(timer), resolve()));
    client.end();
  });
}
