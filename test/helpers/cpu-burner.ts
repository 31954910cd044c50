// Test program: burns an exact amount of CPU when told to (SIGUSR1), measured by its own threads'
// schedstat, so the harness's accounting can be checked against the kernel's own figure.
// Usage: node --import tsx test/helpers/cpu-burner.ts <report-file> <ms per thread> <threads> <stay|exit>
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Spin until the calling thread has run `ms` on a CPU (wall time would overshoot on a busy machine);
// its on-CPU time comes from its own schedstat, parsed in place (no garbage for the GC threads).
// Plain JS source, so worker threads (which cannot load .ts under Node 20) evaluate the same code.
const BURN_SOURCE = `
function burn(ms) {
  const fs = require('node:fs');
  const fd = fs.openSync('/proc/thread-self/schedstat', 'r');
  const buf = Buffer.alloc(128);
  const cpuNs = () => {
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let ns = 0;
    for (let i = 0; i < n && buf[i] >= 48 && buf[i] <= 57; i++) ns = ns * 10 + (buf[i] - 48);
    return ns;
  };
  const start = cpuNs();
  let now = start;
  let x = 0;
  while (now < start + ms * 1e6) {
    for (let i = 0; i < 20000; i++) x += Math.sqrt(i);
    now = cpuNs();
  }
  fs.closeSync(fd);
  return x < 0 ? 0 : now - start;
}`;
const WORKER_SOURCE = `${BURN_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', () => parentPort.postMessage(burn(workerData)));`;
const burn = new Function('require', `${BURN_SOURCE}; return burn;`)(createRequire(import.meta.url)) as (ms: number) => number;

{
  const [report, msText, threadsText, after] = process.argv.slice(2) as [string, string, string, 'stay' | 'exit'];
  const ms = Number(msText);
  const threads = Number(threadsText);
  // Workers start before the window (starting one costs CPU of its own); thread 1 burns on the main thread.
  const workers = Array.from({ length: threads - 1 }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: ms }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  process.once('SIGUSR1', () => {
    void (async () => {
      // The truth is the whole process's CPU (getrusage: every thread, GC helpers included) across the burn.
      const before = process.cpuUsage();
      const others = workers.map((w) => new Promise<number>((r) => w.once('message', r)));
      for (const w of workers) w.postMessage('go');
      const mine = burn(ms);
      const threads = mine + (await Promise.all(others)).reduce((a, b) => a + b, 0);
      const used = process.cpuUsage(before);
      writeFileSync(report, JSON.stringify({ burned_ns: (used.user + used.system) * 1000, burning_threads_ns: threads }));
      if (after === 'exit') process.kill(process.pid, 'SIGKILL'); // exit at once: no teardown CPU after the report
    })();
  });
  writeFileSync(`${report}.ready`, String(process.pid));
  setInterval(() => undefined, 1 << 30);
}
