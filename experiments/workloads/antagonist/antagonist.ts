// Co-located antagonist: competes for CPU and, with --working-set-mb, for cache and memory
// bandwidth by streaming through a buffer. Bounded: exits by itself after --max-seconds.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'working-set-mb': { type: 'string', default: '64' },
    'duty-pct': { type: 'string', default: '100' },
    'max-seconds': { type: 'string', default: '300' },
  },
});
const mb = Number(values['working-set-mb']);
const duty = Number(values['duty-pct']);
const maxSeconds = Number(values['max-seconds']);
if (!(mb >= 0) || !(duty > 0 && duty <= 100) || !(maxSeconds > 0)) {
  process.stderr.write('antagonist: --working-set-mb ≥ 0, 0 < --duty-pct ≤ 100, --max-seconds > 0\n');
  process.exit(2);
}
const buffer = new Uint8Array(Math.max(1, mb) * 1024 * 1024);
const stride = 64; // one cache line
let position = 0;
let sink = 0;
const deadline = performance.now() + maxSeconds * 1000;
let stopped = false;

// Busy for duty% of each 10 ms slice: touch the working set (or spin when it is 0 MB).
function slice(): void {
  if (stopped || performance.now() > deadline) {
    process.stdout.write(`antagonist: done (checksum ${sink})\n`);
    process.exit(0);
  }
  const busyUntil = performance.now() + (10 * duty) / 100;
  while (performance.now() < busyUntil) {
    for (let i = 0; i < 4096; i++) {
      if (mb > 0) {
        buffer[position] = (buffer[position]! + 1) & 0xff;
        position = (position + stride) % buffer.length;
      } else sink = (sink * 31 + i) | 0;
    }
  }
  setTimeout(slice, duty >= 100 ? 0 : 10 - (10 * duty) / 100);
}

process.on('SIGTERM', () => (stopped = true));
process.on('SIGINT', () => (stopped = true));
process.stdout.write(`antagonist running: ${mb} MB working set, ${duty}% duty, at most ${maxSeconds} s\n`);
slice();
