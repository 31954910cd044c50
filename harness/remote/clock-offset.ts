import { quoteArg } from '../process/index.ts';
import type { RemoteHost } from './remote-host.ts';

/** A host's clock against this node's, NTP style, for run_result.json. */
export interface ClockOffset {
  host: string;
  /** Remote clock minus local clock, ms (positive: the remote is ahead), from the lowest-RTT sample. */
  offset_ms: number;
  /** Round trip of that sample, ms; the offset is exact to within ±rtt/2. */
  rtt_ms: number;
  samples: number;
  measured_at: string;
}

// Reads one line per sample and answers with the time: bash 5's $EPOCHREALTIME needs no fork, else date.
const ECHO_CLOCK = `if command -v bash >/dev/null 2>&1; then exec bash -c 'while read -r _; do echo "\${EPOCHREALTIME:-$(date +%s.%N)}"; done'; else while read -r _; do date +%s.%N; done; fi`;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

// Epoch seconds with a fraction (`1700000000.123456`, `,` in some locales) as ms.
export function parseEpoch(text: string): number {
  const [sec, frac = '0'] = text.trim().replace(',', '.').split('.');
  if (!sec || !/^\d+$/.test(sec) || !/^\d+$/.test(frac)) throw new Error(`not an epoch time: ${JSON.stringify(text)}`);
  return Number(sec) * 1000 + Number(`0.${frac}`) * 1000;
}

// Measure a host's clock offset over one exec channel: local t0, remote time, local t1 per sample.
export async function measureClockOffset(host: RemoteHost, { samples = 8, timeoutMs = 10_000 } = {}): Promise<ClockOffset> {
  const { channel } = await host.exec(`exec sh -c ${quoteArg(ECHO_CLOCK)}`);
  let buffered = '';
  let waiting: ((line: string) => void) | undefined;
  const onData = (d: Buffer): void => {
    buffered += d.toString('utf8');
    const nl = buffered.indexOf('\n');
    if (nl !== -1 && waiting) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting(line);
    }
  };
  channel.on('data', onData);
  channel.stderr.resume();
  const deadline = Date.now() + timeoutMs;
  let best: { offset: number; rtt: number } | undefined;
  try {
    for (let i = 0; i < samples; i++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`clock offset of ${host.label}: no answer within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const t0 = nowMs();
      const line = await new Promise<string>((resolve, reject) => {
        waiting = resolve;
        timer = setTimeout(() => reject(new Error(`clock offset of ${host.label}: no answer within ${timeoutMs} ms`)), left);
        channel.write('t\n');
      }).finally(() => clearTimeout(timer));
      const t1 = nowMs();
      const rtt = t1 - t0;
      const offset = parseEpoch(line) - (t0 + t1) / 2;
      if (!best || rtt < best.rtt) best = { offset, rtt };
    }
  } finally {
    channel.removeListener('data', onData);
    channel.end();
    channel.close();
  }
  return { host: host.label, offset_ms: round3(best!.offset), rtt_ms: round3(best!.rtt), samples, measured_at: new Date().toISOString() };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
