import { UsageError } from '../lib/args.ts';
import type { BackendAddress } from './load-balancer.ts';

// `host:port,host:port`; IPv6 hosts in brackets (`[::1]:8081`).
export function parseBackends(spec: string): BackendAddress[] {
  const list = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--backends lists no backend');
  const out = list.map((item) => {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) throw new UsageError(`--backends: '${item}' is not host:port`);
    return { host: m[1] ?? m[2]!, port };
  });
  const names = out.map((b) => `${b.host}:${b.port}`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--backends lists ${dup} twice`);
  return out;
}
