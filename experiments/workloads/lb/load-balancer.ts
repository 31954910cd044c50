import http from 'node:http';
import type net from 'node:net';
import { createPolicy, type BalancingPolicy, type PolicyName } from './policies.ts';
import { endToEndHeaders, upstreamRequestHeaders } from './proxy-headers.ts';
import { requestKey, type KeySource } from './request-key.ts';
import type { RouteLog } from './route-log.ts';
import { closeServer, listen, type ListenAddress } from '../lib/tcp-listener.ts';

export interface BackendAddress {
  host: string;
  port: number;
}

export interface LoadBalancerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port; `start()` returns the real one. */
  port: number;
  backends: readonly BackendAddress[];
  policy: PolicyName;
  /** Consistent-hash key. @default header x-lb-key, falling back to the path */
  keySource?: KeySource;
  /** Virtual nodes per backend on the hash ring. @default 160 */
  vnodes?: number;
  /** Most pooled keep-alive connections per backend; further requests queue in the pool. @default 128 */
  upstreamConnections?: number;
  /** A backend that has not answered within this is abandoned: 504. @default 30000 */
  upstreamTimeoutMs?: number;
  routeLog?: RouteLog;
}

// `host:port` as a backend is named in logs and on the hash ring.
export function backendName(b: BackendAddress): string {
  return `${b.host}:${b.port}`;
}

/**
 * An HTTP/1.1 reverse proxy over Node's http stack: keep-alive both sides, pipelined requests answered
 * in order (Node queues the responses of one connection), bodies streamed, hop-by-hop headers dropped.
 * Responses carry `x-lb-backend: host:port`; a failed backend gives 502, a silent one 504.
 */
export class LoadBalancer {
  private readonly policy: BalancingPolicy;
  private readonly names: string[];
  private readonly agents: http.Agent[];
  /** Requests in flight per backend: from the choice until the backend's response ends (or fails). */
  readonly inFlight: Int32Array;
  readonly perBackend: number[];
  upstreamErrors = 0;
  private server: http.Server | undefined;

  constructor(private readonly opts: LoadBalancerOptions) {
    if (opts.backends.length === 0) throw new Error('no backends');
    this.names = opts.backends.map(backendName);
    this.policy = createPolicy(opts.policy, this.names, opts.vnodes);
    const max = opts.upstreamConnections ?? 128;
    this.agents = opts.backends.map(() => new http.Agent({ keepAlive: true, maxSockets: max, maxFreeSockets: max }));
    this.inFlight = new Int32Array(opts.backends.length);
    this.perBackend = opts.backends.map(() => 0);
  }

  get backendNames(): readonly string[] {
    return this.names;
  }

  // Listen; resolves with the bound address.
  start(): Promise<ListenAddress> {
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.route(req, res));
    server.headersTimeout = 65_000;
    server.on('connection', (s: net.Socket) => s.setNoDelay(true));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
    this.server = server;
    return listen(server, this.opts.port, this.opts.host ?? '127.0.0.1');
  }

  // Stop accepting, drop client and pooled backend connections, resolve when closed.
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await closeServer(server, () => {
      server.closeAllConnections();
      for (const a of this.agents) a.destroy();
    });
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const key = requestKey(req, this.opts.keySource ?? { kind: 'header', name: 'x-lb-key' });
    const i = this.policy.choose(key, this.inFlight);
    const name = this.names[i]!;
    const backend = this.opts.backends[i]!;
    this.opts.routeLog?.onRoute(req.method ?? 'GET', req.url ?? '/', key, i, this.inFlight[i]!);
    this.perBackend[i]!++;
    this.inFlight[i]!++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.inFlight[i]!--;
    };

    const upstream = http.request({
      host: backend.host,
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: upstreamRequestHeaders(req.headers, req.socket.remoteAddress),
      agent: this.agents[i],
      timeout: this.opts.upstreamTimeoutMs ?? 30_000,
    });
    upstream.on('response', (ures) => {
      const headers = { ...endToEndHeaders(ures.headers), 'x-lb-backend': name };
      res.writeHead(ures.statusCode ?? 502, ures.statusMessage, headers);
      ures.pipe(res);
      ures.on('end', release);
      ures.on('error', () => {
        release();
        res.destroy();
      });
    });
    upstream.on('timeout', () => upstream.destroy(new UpstreamTimeout(`no response from ${name} within ${this.opts.upstreamTimeoutMs ?? 30_000} ms`)));
    upstream.on('error', (err) => {
      release();
      if (res.writableEnded || res.destroyed) return; // the client went away first: not the backend's fault
      this.upstreamErrors++;
      if (res.headersSent) return void res.destroy();
      const status = err instanceof UpstreamTimeout ? 504 : 502;
      res.writeHead(status, { 'content-type': 'text/plain', 'x-lb-backend': name });
      res.end(`${status === 504 ? 'gateway timeout' : 'bad gateway'}: ${name}: ${err.message}\n`);
    });
    // A client that disconnects mid-request aborts the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
      release();
    });
    req.pipe(upstream);
  }
}

class UpstreamTimeout extends Error {
  override readonly name = 'UpstreamTimeout';
}
