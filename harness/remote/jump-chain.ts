import type { Client, ClientChannel } from 'ssh2';
import { hostLabel } from './connect-errors.ts';
import type { ResolvedHost } from './ssh-config.ts';
import { closeClient, forwardThrough, openSshConnection } from './ssh-connect.ts';

export interface JumpChainOptions {
  /** The final host as messages name it: `gen1 (127.0.0.1:2222)`. */
  label: string;
  /** The final host with its jumps: `gen1 (…) via bastion (…)`. */
  chainLabel: string;
  /** Handshake deadline of the final host. */
  connectTimeoutMs: number;
  /** Handshake deadline of every jump host. @default the hop's ConnectTimeout, else 10000 */
  hopTimeoutMs?: number;
  hostKeyHint?: string;
  /** The host key each connection offered: `hop` is the jump's index, undefined for the final host. */
  onHostKey: (hop: number | undefined, key: string) => void;
}

// `jump host bastion (10.211.0.2:22), hop 1 of 2 to gen1 (127.0.0.1:2222)`
export function hopLabel(t: ResolvedHost, i: number, label: string): string {
  const hops = t.proxyJump;
  return `jump host ${hostLabel(hops[i]!)}, hop ${i + 1} of ${hops.length} to ${label}`;
}

// Connect hop by hop: each jump host over a tunnel through the one before (each verified against
// its own known_hosts), the final host last. On failure every connection opened so far is closed.
export async function openJumpChain(t: ResolvedHost, o: JumpChainOptions): Promise<{ client: Client; jumps: Client[] }> {
  const jumps: Client[] = [];
  try {
    let sock: ClientChannel | undefined;
    for (const [i, hop] of t.proxyJump.entries()) {
      if (i > 0) sock = await forwardThrough(jumps[i - 1]!, hop, { jump: hopLabel(t, i - 1, o.label), next: hopLabel(t, i, o.label) }, o.connectTimeoutMs);
      const jump = await openSshConnection(hop, {
        label: hopLabel(t, i, o.label),
        timeoutMs: o.hopTimeoutMs ?? hop.connectTimeoutMs ?? 10_000,
        ...(sock ? { sock } : {}),
        ...(o.hostKeyHint ? { hostKeyHint: o.hostKeyHint } : {}),
        hostKeyOptOut: `A jump host is always verified (strict_host_key_checking of the remote spec applies to ${o.label} only): add its key to ${hop.knownHostsFiles[0] ?? '~/.ssh/known_hosts'}, the known_hosts its ssh_config entry names.`,
        onHostKey: (key) => o.onHostKey(i, key),
      });
      jumps.push(jump);
    }
    const last = jumps.at(-1);
    if (last) sock = await forwardThrough(last, t, { jump: hopLabel(t, jumps.length - 1, o.label), next: o.label }, o.connectTimeoutMs);
    const client = await openSshConnection(t, {
      label: o.chainLabel,
      timeoutMs: o.connectTimeoutMs,
      ...(sock ? { sock } : {}),
      ...(o.hostKeyHint ? { hostKeyHint: o.hostKeyHint } : {}),
      onHostKey: (key) => o.onHostKey(undefined, key),
    });
    return { client, jumps };
  } catch (err) {
    for (const jump of jumps.reverse()) await closeClient(jump);
    throw err;
  }
}
