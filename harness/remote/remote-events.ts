/** Remote-layer events, one union keyed on `kind` like ProcessEvent; reporters format them. */
export type RemoteEvent =
  | { kind: 'connect'; host: string; time: Date; durationMs: number; hostKey: string; verified: boolean; /** Jump hosts passed through, first hop first. */ via?: string[] }
  | { kind: 'disconnect'; host: string; time: Date; reason: string }
  | { kind: 'warning'; host: string; time: Date; message: string }
  | { kind: 'fetch'; host: string; time: Date; source: string; destination: string; bytes: number; files: number; durationMs: number; error: string | null };

const formatters: { [K in RemoteEvent['kind']]: (e: Extract<RemoteEvent, { kind: K }>) => string } = {
  connect: (e) => `connect ${e.host}${e.via?.length ? ` via ${e.via.join(', ')}` : ''} in ${e.durationMs} ms (host key ${e.hostKey}${e.verified ? '' : ', NOT verified: strict_host_key_checking is off'})`,
  warning: (e) => `warning ${e.host}: ${e.message}`,
  disconnect: (e) => `disconnect ${e.host} (${e.reason})`,
  fetch: (e) => `fetch   ${e.host}:${e.source} -> ${e.destination} ${e.error ? `FAILED: ${e.error.split('\n')[0]}` : `${e.files} file(s), ${e.bytes} bytes in ${e.durationMs} ms`}`,
};

// One line per event for logs and progress output.
export function formatRemoteEvent(e: RemoteEvent): string {
  return (formatters[e.kind] as (e: RemoteEvent) => string)(e);
}
