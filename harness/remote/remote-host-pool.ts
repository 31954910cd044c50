import type { RemoteSpec } from '../config/schema/common.ts';
import type { RemoteEvent } from './remote-events.ts';
import { RemoteHost } from './remote-host.ts';
import { resolveSshHost, type ResolveOptions } from './ssh-config.ts';

/** The connection-related fields of a remote spec (zod defaults may be missing when built by hand). */
export type RemoteTarget = Pick<RemoteSpec, 'host'> & Partial<Pick<RemoteSpec, 'port' | 'user' | 'identity_file' | 'known_hosts' | 'strict_host_key_checking' | 'ssh_config' | 'proxy_jump'>>;

export interface RemoteHostPoolOptions extends Pick<ResolveOptions, 'homeDir' | 'localUser' | 'cwd' | 'env'> {
  /** ssh_config for specs that name none. @default ~/.ssh/config */
  sshConfigPath?: string;
  /** @default ConnectTimeout from ssh_config, else 10000 */
  connectTimeoutMs?: number;
  /** Appended to unknown-host-key errors. */
  hostKeyHint?: string;
  onEvent?: (e: RemoteEvent) => void;
}

/**
 * One RemoteHost (one ssh2 connection, with its jump connections) per resolved user@host:port,
 * trust settings and jump chain, for the whole suite. dispose() closes them all.
 */
export class RemoteHostPool {
  private readonly opts: RemoteHostPoolOptions;
  private readonly hosts = new Map<string, RemoteHost>();

  constructor(opts: RemoteHostPoolOptions = {}) {
    this.opts = opts;
  }

  // The pooled hosts of a spec, one per entry of `remote.host` (a list fans out).
  forSpec(spec: RemoteTarget): RemoteHost[] {
    return [spec.host].flat().map((alias) => this.get(alias, spec));
  }

  // The pooled host for one alias; explicit spec fields win over ssh_config.
  get(alias: string, spec: Omit<RemoteTarget, 'host'> = {}): RemoteHost {
    const target = resolveSshHost(alias, {
      ...this.opts,
      configPath: spec.ssh_config ?? this.opts.sshConfigPath,
      requireConfig: spec.ssh_config !== undefined,
      overrides: {
        port: spec.port,
        user: spec.user,
        identityFile: spec.identity_file,
        knownHosts: spec.known_hosts,
        strictHostKeyChecking: spec.strict_host_key_checking ?? true,
        ...(spec.proxy_jump !== undefined ? { proxyJump: spec.proxy_jump } : {}),
      },
    });
    // The whole chain: the same host through other jump hosts is another connection.
    const key = JSON.stringify([target, ...target.proxyJump].map((h) => [h.user, h.hostName, h.port, h.identityFiles, h.knownHostsFiles, h.strictHostKeyChecking]));
    let host = this.hosts.get(key);
    if (!host) {
      host = new RemoteHost(target, { connectTimeoutMs: this.opts.connectTimeoutMs, hostKeyHint: this.opts.hostKeyHint, onEvent: this.opts.onEvent });
      this.hosts.set(key, host);
      // Once per host: directives of ssh_config that apply but are not followed.
      for (const message of host.warnings) this.opts.onEvent?.({ kind: 'warning', host: host.label, time: new Date(), message });
    }
    return host;
  }

  list(): RemoteHost[] {
    return [...this.hosts.values()];
  }

  // Close every connection; keeps going after a failure and rethrows the first.
  async dispose(): Promise<void> {
    const hosts = [...this.hosts.values()].reverse();
    this.hosts.clear();
    const results = await Promise.allSettled(hosts.map((h) => h.dispose()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
