import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { openJumpChain } from './jump-chain.ts';
import { hostLabel, RemoteConnectError } from './connect-errors.ts';
import type { RemoteEvent } from './remote-events.ts';
import type { ResolvedHost } from './ssh-config.ts';
import { closeClient } from './ssh-connect.ts';

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
  /** The jump hosts passed through, first hop first (empty: a direct connection); always verified. */
  proxy_jump: JumpTrustRecord[];
}

/** How one jump host was trusted. */
export interface JumpTrustRecord {
  host: string;
  user: string;
  known_hosts: string[];
  ssh_config: string | null;
  host_key: string | null;
}

const OUTPUT_LIMIT = 1 << 20;

/**
 * One pooled ssh2 connection to a host, through its jump hosts if it has any: opened on first use
 * with host-key verification of every hop against known_hosts, reopened on the next use after any
 * connection of the chain dropped. Plain class; a pool shares it per suite.
 */
export class RemoteHost {
  readonly target: ResolvedHost;
  readonly label: string;
  /** The label plus the jump hosts: `gen1 (127.0.0.1:2222) via bastion (10.211.0.2:22)`. */
  readonly chainLabel: string;
  private readonly opts: RemoteHostOptions;
  private client: Client | undefined;
  /** The jump connections under `client`, first hop first. */
  private jumps: Client[] = [];
  private jumpKeys: (string | null)[];
  private connecting: Promise<Client> | undefined;
  private disposed = false;
  private connects = 0;
  private lastHostKey: string | null = null;

  constructor(target: ResolvedHost, opts: RemoteHostOptions = {}) {
    this.target = target;
    this.label = hostLabel(target);
    this.chainLabel = target.proxyJump.length > 0 ? `${this.label} via ${target.proxyJump.map(hostLabel).join(', ')}` : this.label;
    this.jumpKeys = target.proxyJump.map(() => null);
    this.opts = opts;
  }

  /** ssh_config directives that applied to the host or a jump host but are not followed, one message each. */
  get warnings(): string[] {
    const hosts = [this.target, ...this.target.proxyJump];
    return hosts
      .filter((h) => h.ignored.length > 0)
      .map((h) => `${h.configFile ?? 'ssh_config'} applies to ${h === this.target ? this.label : `jump host ${hostLabel(h)} of ${this.label}`} directives the harness's ssh2 connection does not follow: ${h.ignored.join(', ')}`);
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
    const proxy_jump = t.proxyJump.map((h, i) => ({ host: hostLabel(h), user: h.user, known_hosts: h.knownHostsFiles, ssh_config: h.configFile, host_key: this.jumpKeys[i] ?? null }));
    return { host: this.label, user: t.user, strict_host_key_checking: t.strictHostKeyChecking, known_hosts: t.knownHostsFiles, ssh_config: t.configFile, host_key: this.lastHostKey, proxy_jump };
  }

  // The live connection, opening one if needed; concurrent callers share one attempt.
  connect(): Promise<Client> {
    if (this.disposed) return Promise.reject(new RemoteConnectError('closed', `${this.label}: the host was disposed`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  // Connect hop by hop (jump-chain.ts), then keep the chain.
  private async open(): Promise<Client> {
    const began = performance.now();
    const { client, jumps } = await openJumpChain(this.target, {
      label: this.label,
      chainLabel: this.chainLabel,
      connectTimeoutMs: this.connectTimeoutMs,
      ...(this.opts.connectTimeoutMs !== undefined ? { hopTimeoutMs: this.opts.connectTimeoutMs } : {}),
      ...(this.opts.hostKeyHint ? { hostKeyHint: this.opts.hostKeyHint } : {}),
      onHostKey: (hop, key) => (hop === undefined ? (this.lastHostKey = key) : (this.jumpKeys[hop] = key)),
    });
    this.adopt(client, jumps, Math.round(performance.now() - began));
    return client;
  }

  // Listeners for the chain's whole life: forget it when any connection of it closes (the host's
  // channel runs through every jump), close the rest, and let the next use reconnect.
  private adopt(client: Client, jumps: Client[], durationMs: number): void {
    this.connects++;
    let reason = 'closed';
    client.on('error', (err: Error) => (reason = err.message));
    jumps.forEach((jump, i) => {
      const hop = `jump host ${hostLabel(this.target.proxyJump[i]!)}`;
      jump.on('error', (err: Error) => (reason = `${hop}: ${err.message}`));
      jump.once('close', () => {
        if (reason === 'closed') reason = `connection to ${hop} closed`;
        client.end();
      });
    });
    client.once('close', () => {
      if (this.client === client) {
        this.client = undefined;
        this.jumps = [];
      }
      for (const jump of [...jumps].reverse()) void closeClient(jump);
      this.emit({ kind: 'disconnect', host: this.label, time: new Date(), reason });
    });
    if (this.disposed) {
      client.end();
      throw new RemoteConnectError('closed', `${this.label}: the host was disposed while connecting`);
    }
    // Commands and kill requests are small messages: Nagle's algorithm would hold each back ~40 ms.
    client.setNoDelay(true);
    for (const jump of jumps) jump.setNoDelay(true);
    this.client = client;
    this.jumps = jumps;
    this.emit({
      kind: 'connect',
      host: this.label,
      time: new Date(),
      durationMs,
      hostKey: this.lastHostKey ?? '?',
      verified: this.target.strictHostKeyChecking,
      via: this.target.proxyJump.map((h, i) => `${hostLabel(h)} (host key ${this.jumpKeys[i] ?? '?'})`),
    });
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

  // Close the connection and then its jump connections, last hop first (bounded waits); later use fails.
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    const jumps = this.jumps;
    this.client = undefined;
    this.jumps = [];
    if (client) await closeClient(client);
    for (const jump of [...jumps].reverse()) await closeClient(jump);
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
