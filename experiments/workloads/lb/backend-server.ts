import http from 'node:http';
import type net from 'node:net';
import { spinFor } from '../lib/busy-wait.ts';
import { closeServer, listen, type ListenAddress } from '../lib/tcp-listener.ts';

export interface BackendServerOptions {
  /** Name in the `x-backend-id` header and the body. */
  id: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Service time of each request, as busy work (the event loop is blocked, like a CPU-bound handler). @default 0 */
  delayUs?: number;
}

/**
 * A keep-alive HTTP/1.1 backend: every request gets 200 with `x-backend-id` and a body naming the
 * backend, method and target, so a client can tell who answered what (and in which order).
 */
export class BackendServer {
  private server: http.Server | undefined;
  requests = 0;

  constructor(private readonly opts: BackendServerOptions) {}

  start(): Promise<ListenAddress> {
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.serve(req, res));
    server.headersTimeout = 65_000;
    server.on('connection', (s: net.Socket) => s.setNoDelay(true));
    this.server = server;
    return listen(server, this.opts.port, this.opts.host ?? '127.0.0.1');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server, () => server.closeAllConnections());
  }

  // Read the whole request body (discarded), burn the service time, answer.
  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    req.on('end', () => {
      this.requests++;
      spinFor(this.opts.delayUs ?? 0);
      const body = Buffer.from(`${this.opts.id} ${req.method ?? ''} ${req.url ?? ''}\n`);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, 'x-backend-id': this.opts.id });
      res.end(body);
    });
  }
}
