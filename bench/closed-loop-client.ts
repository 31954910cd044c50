// The minimal closed-loop RESP client the workload bench prints beside the generator: one connection,
// one GET at a time, latency from write to reply. What a careful 20-line Node client gets. With a gap,
// it sleeps that long between a reply and the next request (paced like a 1/gap req/s load), which
// shows the latency any request pays when the server and client were idle before it. Paced, it also
// reports `from_intended`: latency from the moment the request was due (the end of the gap), which adds
// the client's own late wake-up from its sleep, as an open-loop generator's latency does.
// Usage: node --import tsx bench/closed-loop-client.ts <port> <requests> [gap-us]
//        → JSON {p50,p90,p99,p999[,from_intended:{p50,p90,p99,p999}]} in µs
import net from 'node:net';

const [port, count, gapUs] = [Number(process.argv[2]), Number(process.argv[3] ?? 50_000), Number(process.argv[4] ?? 0)];
const socket = net.connect({ host: '127.0.0.1', port });
socket.setNoDelay(true);
const lat = new Float64Array(count);
const fromIntended = new Float64Array(count);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
let i = 0;
let sentAt = 0n;
let intendedAt = 0n;
const send = (): void => {
  const key = `key:${i % 10_000}`;
  sentAt = process.hrtime.bigint();
  if (gapUs === 0) intendedAt = sentAt;
  socket.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`);
};
// One request in flight, so a reply is whole once its last byte (the CRLF after the bulk) arrived.
let buf = '';
socket.on('data', (d) => {
  buf += d.toString('latin1');
  if (!buf.endsWith('\r\n') || (buf[0] === '$' && buf !== '$-1\r\n' && buf.split('\r\n').length < 3)) return;
  const now = process.hrtime.bigint();
  lat[i] = Number(now - sentAt) / 1000;
  fromIntended[i++] = Number(now - intendedAt) / 1000;
  buf = '';
  if (i < count) {
    if (gapUs > 0) {
      intendedAt = process.hrtime.bigint() + BigInt(Math.round(gapUs * 1000));
      Atomics.wait(sleepCell, 0, 0, gapUs / 1000);
    }
    return send();
  }
  const pct = (xs: Float64Array): { p50: number; p90: number; p99: number; p999: number } => {
    xs.sort();
    const at = (p: number): number => Math.round(xs[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)]! * 10) / 10;
    return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9) };
  };
  process.stdout.write(`${JSON.stringify({ ...pct(lat), ...(gapUs > 0 ? { from_intended: pct(fromIntended) } : {}) })}\n`);
  socket.end();
});
socket.on('connect', send);
