// Real lb programs for the tests: backends and a balancer on free ports (`--port 0`, read back from the
// readiness line), plus a keep-alive HTTP client. Every process is registered in a ProcessList.
import http from 'node:http';
import { ProcessList, WorkloadProcess } from '../helpers/workload-process.ts';

export const LB_BACKEND = 'experiments/workloads/lb/backend.ts';
export const LB_BALANCER = 'experiments/workloads/lb/balancer.ts';
export const LB_GENERATOR = 'experiments/workloads/lb/generator.ts';

export async function startBackend(procs: ProcessList, id: string, args: readonly string[] = []): Promise<{ proc: WorkloadProcess; port: number }> {
  const proc = procs.add(new WorkloadProcess(LB_BACKEND, ['--port', '0', '--id', id, ...args]));
  const m = await proc.waitFor(new RegExp(`lb backend ${id} listening on [^\\s]+:(\\d+)`));
  return { proc, port: Number(m[1]) };
}

export async function startBalancer(procs: ProcessList, backendPorts: readonly number[], args: readonly string[] = []): Promise<{ proc: WorkloadProcess; port: number }> {
  const backends = backendPorts.map((p) => `127.0.0.1:${p}`).join(',');
  const proc = procs.add(new WorkloadProcess(LB_BALANCER, ['--port', '0', '--backends', backends, ...args]));
  const m = await proc.waitFor(/lb balancer listening on [^\s]+:(\d+)/);
  return { proc, port: Number(m[1]) };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A keep-alive HTTP client for one balancer (Node's agent: at most `sockets` requests in flight). */
export class TestClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    sockets = 4,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path, headers, agent: this.agent, timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${path}: no response within 10 s`)));
      req.on('error', reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// Count how many replies each backend (x-backend-id) gave.
export function countByBackend(replies: readonly Reply[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of replies) {
    const id = String(r.headers['x-backend-id']);
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}
