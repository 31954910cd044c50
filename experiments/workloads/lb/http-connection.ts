import type net from 'node:net';
import { PipelinedConnection, connectSocket, type Completion } from '../lib/pipelined-connection.ts';
import { HttpResponseParser, type HttpResponse } from './http-response-parser.ts';

export type ResponseCallback = Completion<HttpResponse>;

/**
 * One pipelined HTTP/1.1 client connection (keep-alive): 2xx/3xx complete a request with 'ok', any
 * other status with 'error'. If the server closes the connection (or says `connection: close`),
 * every unanswered request fails.
 */
export class HttpConnection extends PipelinedConnection<HttpResponse> {
  private readonly parser = new HttpResponseParser();

  private constructor(socket: net.Socket) {
    super(socket);
    // A response delimited by the end of the stream completes before the connection fails.
    socket.on('end', () => {
      const last = this.parser.end();
      if (last) this.completeResponse(last);
      this.fail('connection closed by server');
    });
  }

  static async connect(host: string, port: number, timeoutMs: number): Promise<HttpConnection> {
    return new HttpConnection(await connectSocket(host, port, timeoutMs));
  }

  protected onData(chunk: Buffer): void {
    this.parser.push(chunk);
    try {
      for (let res = this.parser.next(); res !== undefined; res = this.parser.next()) {
        if (!this.completeResponse(res)) return;
        if (res.closes) return this.fail('server closed the connection (connection: close)');
      }
    } catch (err) {
      this.fail(`bad response: ${(err as Error).message}`);
    }
  }

  private completeResponse(res: HttpResponse): boolean {
    return this.complete(res.status >= 200 && res.status < 400 ? 'ok' : 'error', res);
  }
}
