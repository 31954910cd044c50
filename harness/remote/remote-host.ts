import { Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm, type SFTPWrapper } from 'ssh2';
import { classifyConnectError, hostLabel, RemoteConnectError } from './connect-errors.ts';
import { loadIdentities } from './identities.ts';
import { checkHostKey, fingerprintSha256, hostKeyError, keyTypeOf, knownHostsName, knownKeyTypes, loadKnownHosts, type HostKeyError } from './known-hosts.ts';
import type { RemoteEvent } from './remote-events.ts';
import type { ResolvedHost } from './ssh-config.ts';

export interface RemoteHostOptions {
  /** @default ConnectTimeout from ssh_config, else 10000 */
  connectTimeoutMs?: number;
  /** Appended to the unknown-host-key message (e.g. how to re-create the testbed). */
  hostKeyHint?: string;
  onEvent?: (e: RemoteEvent) => void;
}

/** An open exec channel, its connection, and how it ended (recorded from the moment it opened). */
export interface RemoteExec {
  channel: ClientChannel;
  client: Client;
  /** Set by the channel's `exit` event: exit code, or the signal (`SIGTERM`) that ended the remote shell. */
  exit: { code: number | null; signal: string | null } | undefined;
  /** Resolves when the channel closed. */
  closed: Promise<void>;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** How a host was trusted, for plan.json / run_result.json. */
export interface HostTrustRecord {
  host: string;
  user: string;
  strict_host_key_checking: boolean;
  known_hosts: string[];
  ssh_config: string | null;
  /** `ssh-ed25519 SHA256:…` as offered at the last connect, null before any. */
  host_key: string | null;
}

// ssh2's defaults; the types known_hosts holds for the host go first, as OpenSSH orders them.
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
const OUTPUT_LIMIT = 1 << 20;
/** The project's testbed (testbed/testbed.sh) lives in 10.211.0.0/24 and writes its own known_hosts. */
const TESTBED_ADDRESS = /^10\.211\.0\.\d{1,3}$/;
const TESTBED_HINT = 'For the testbed: bash testbed/testbed.sh up (re)writes .testbed/known_hosts; connect through its ssh_config (ssh_config: .testbed/ssh_config).';

/**
 * One pooled ssh2 connection to a host: opened on first use with host-key verification against
 * known_hosts, reopened on the next use after it dropped. Plain class; a pool shares it per suite.
 */
export class RemoteHost {
  readonly target: ResolvedHost;
  readonly label: string;
  private readonly opts: RemoteHostOptions;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private disposed = false;
  private connects = 0;
  private lastHostKey: string | null = null;

  constructor(target: ResolvedHost, opts: RemoteHostOptions = {}) {
    this.target = target;
    this.label = hostLabel(target);
    this.opts = opts;
  }

  /** Connections opened so far (a reconnect counts again). */
  get connectCount(): number {
    return this.connects;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  get connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs ?? this.target.connectTimeoutMs ?? 10_000;
  }

  // How this host is trusted; `strict_host_key_checking: false` shows up here for plan.json.
  trustRecord(): HostTrustRecord {
    const t = this.target;
    return { host: this.label, user: t.user, strict_host_key_checking: t.strictHostKeyChecking, known_hosts: t.knownHostsFiles, ssh_config: t.configFile, host_key: this.lastHostKey };
  }

  // The live connection, opening one if needed; concurrent callers share one attempt.
  connect(): Promise<Client> {
    if (this.disposed) return Promise.reject(new RemoteConnectError('closed', `${this.label}: the host was disposed`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const t = this.target;
    // A direct connection would bypass the jump hosts.
    if (t.proxyJump.length > 0) throw new RemoteConnectError('other', `${this.label}: ProxyJump is not connected yet`);
    const ids = loadIdentities(t);
    const entries = t.strictHostKeyChecking ? loadKnownHosts(t.knownHostsFiles) : [];
    const lookup = knownHostsName(t.hostKeyAlias, t.port);
    const preferred = knownKeyTypes(entries, lookup).flatMap((k) => (k === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [k]));
    const algorithms = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])].filter((a) => HOST_KEY_ALGORITHMS.includes(a as ServerHostKeyAlgorithm)) as ServerHostKeyAlgorithm[];
    let keyError: HostKeyError | undefined;
    const hostVerifier = (key: Buffer): boolean => {
      this.lastHostKey = `${keyTypeOf(key)} ${fingerprintSha256(key)}`;
      if (!t.strictHostKeyChecking) return true;
      const check = checkHostKey(entries, lookup, key);
      if (check.status === 'ok') return true;
      const hint = this.opts.hostKeyHint ?? (TESTBED_ADDRESS.test(t.hostName) ? TESTBED_HINT : undefined);
      keyError = hostKeyError(check, key, { label: this.label, name: lookup, host: t.hostKeyAlias, port: t.port, knownHostsFiles: t.knownHostsFiles, ...(hint ? { hint } : {}) });
      return false;
    };
    const timeoutMs = this.connectTimeoutMs;
    const config: ConnectConfig = {
      host: t.hostName,
      port: t.port,
      username: t.user,
      authHandler: ids.methods,
      hostVerifier,
      readyTimeout: timeoutMs,
      keepaliveInterval: t.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: t.keepaliveCountMax ?? 3,
      algorithms: { serverHostKey: algorithms },
    };
    const began = performance.now();
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        client.removeListener('ready', onReady).removeListener('error', onError).removeListener('close', onClose);
      };
      const onReady = (): void => (cleanup(), resolve());
      const onError = (err: Error): void => {
        cleanup();
        client.on('error', () => undefined); // late errors of a failed connection are noise
        client.end();
        reject(keyError ?? classifyConnectError(err, t, { timeoutMs, identities: ids.offered, agent: ids.agent }));
      };
      const onClose = (): void => (cleanup(), reject(keyError ?? new RemoteConnectError('closed', `${this.label} closed the connection during the SSH handshake`)));
      client.once('ready', onReady).once('error', onError).once('close', onClose);
      try {
        client.connect(config);
      } catch (err) {
        onError(err as Error);
      }
    });
    this.adopt(client, Math.round(performance.now() - began));
    return client;
  }

  // Listeners for the connection's whole life: forget it when it closes, so the next use reconnects.
  private adopt(client: Client, durationMs: number): void {
    this.connects++;
    let reason = 'closed';
    client.on('error', (err: Error) => (reason = err.message));
    client.once('close', () => {
      if (this.client === client) this.client = undefined;
      this.emit({ kind: 'disconnect', host: this.label, time: new Date(), reason });
    });
    if (this.disposed) {
      client.end();
      throw new RemoteConnectError('closed', `${this.label}: the host was disposed while connecting`);
    }
    // Commands and kill requests are small messages: Nagle's algorithm would hold each back ~40 ms.
    client.setNoDelay(true);
    this.client = client;
    this.emit({ kind: 'connect', host: this.label, time: new Date(), durationMs, hostKey: this.lastHostKey ?? '?', verified: this.target.strictHostKeyChecking });
  }

  // Open an exec channel; `client` is the connection it runs on (to watch for its loss).
  async exec(command: string): Promise<RemoteExec> {
    // One retry: a connection that died unnoticed fails the channel open, and nothing ran yet.
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      try {
        return await openChannel<RemoteExec>(client, this.label, (cb) =>
          client.exec(command, (err, channel) => {
            if (err) return cb(err, undefined as never);
            // Exit status and close can arrive in the same packet burst as the open confirmation,
            // before any awaiting caller could listen: record them synchronously.
            let closed!: () => void;
            const run: RemoteExec = { channel, client, exit: undefined, closed: new Promise<void>((r) => (closed = r)) };
            channel.on('exit', (code: number | null, signal?: string) => (run.exit = { code: code ?? null, signal: signal ? `SIG${signal}` : null }));
            channel.once('close', () => closed());
            cb(undefined, run);
          }),
        );
      } catch (err) {
        if (attempt > 0 || this.client === client) throw err;
      }
    }
  }

  // Run a short command to completion; output is kept in memory (bounded), never hidden.
  async run(command: string, opts: { timeoutMs?: number; stdin?: string; onStdout?: (chunk: string) => void } = {}): Promise<ExecResult> {
    const run = await this.exec(command);
    const { channel } = run;
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return new Promise<ExecResult>((resolve, reject) => {
      const result: ExecResult = { exitCode: null, signal: null, stdout: '', stderr: '' };
      const append = (key: 'stdout' | 'stderr') => (d: Buffer) => {
        const text = d.toString('utf8');
        if (result[key].length < OUTPUT_LIMIT) result[key] += text;
        if (key === 'stdout') opts.onStdout?.(text);
      };
      const timer = setTimeout(() => {
        channel.close();
        reject(new RemoteConnectError('other', `${this.label}: command did not finish within ${timeoutMs} ms: ${command}`));
      }, timeoutMs);
      channel.on('data', append('stdout'));
      channel.stderr.on('data', append('stderr'));
      void run.closed.then(() => {
        clearTimeout(timer);
        result.exitCode = run.exit?.code ?? null;
        result.signal = run.exit?.signal ?? null;
        if (run.exit === undefined && !this.client) {
          reject(new RemoteConnectError('lost', `Connection to ${this.label} lost while running: ${command}`));
        } else resolve(result);
      });
      channel.end(opts.stdin ?? '');
    });
  }

  // An SFTP session for the duration of `fn`, closed afterwards whatever happens.
  async withSftp<T>(fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const sftp = await openChannel<SFTPWrapper>(client, this.label, (cb) => client.sftp(cb));
    try {
      return await fn(sftp);
    } finally {
      sftp.end();
    }
  }

  // Close the connection (bounded wait); later use fails.
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => (client.destroy(), resolve()), 2000);
      client.once('close', () => (clearTimeout(timer), resolve()));
      client.end();
    });
  }

  private emit(e: RemoteEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {} // a broken listener must not break the connection
  }
}

// Open a channel on a connection; a connection that closes meanwhile rejects instead of hanging.
function openChannel<C>(client: Client, label: string, open: (cb: (err: Error | undefined, ch: C) => void) => unknown): Promise<C> {
  return new Promise<C>((resolve, reject) => {
    const onClose = (): void => reject(new RemoteConnectError('lost', `Connection to ${label} closed while opening a channel`));
    client.once('close', onClose);
    const done = (err: Error | undefined, ch: C): void => {
      client.removeListener('close', onClose);
      if (!err) return resolve(ch);
      const hint = /open failed|administratively prohibited/i.test(err.message) ? ' (too many channels? sshd allows MaxSessions per connection, 10 by default)' : '';
      reject(new RemoteConnectError('other', `${label}: could not open a channel: ${err.message}${hint}`, { cause: err }));
    };
    try {
      open(done);
    } catch (err) {
      client.removeListener('close', onClose);
      reject(new RemoteConnectError('lost', `${label}: ${(err as Error).message}`, { cause: err }));
    }
  });
}
