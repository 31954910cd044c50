// Test program: burns an exact amount of CPU when told to (SIGUSR1), measured by the kernel, so the
// harness's CPU accounting can be checked against it. Plain JavaScript (no tsx): a small process whose
// own start-up and exit cost little, since an exit inside the window is part of what is accounted.
// Usage: node test/helpers/cpu-burner.mjs <report-file> <ms per thread> <threads> <stay|exit>
import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

// Spin until this thread has run `ms` on a CPU (wall time would overshoot on a busy machine); its
// on-CPU time comes from its own schedstat, parsed in place (no garbage for the GC threads).
function burn(ms) {
  const fd = openSync('/proc/thread-self/schedstat', 'r');
  const buf = Buffer.alloc(128);
  const cpuNs = () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
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
  closeSync(fd);
  return x < 0 ? 0 : now - start;
}

if (!isMainThread) {
  parentPort.once('message', () => parentPort.postMessage(burn(workerData)));
} else {
  const [report, msText, threadsText, after] = process.argv.slice(2);
  const ms = Number(msText);
  const threads = Number(threadsText);
  // Workers start before the window (starting one costs CPU of its own); thread 1 burns on the main thread.
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL(import.meta.url), { workerData: ms }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  const out = openSync(report, 'w');
  process.once('SIGUSR1', () => {
    void (async () => {
      // The truth is the whole process's CPU (getrusage: every thread, GC helpers included) across the burn.
      const before = process.cpuUsage();
      const others = workers.map((w) => new Promise((r) => w.once('message', r)));
      for (const w of workers) w.postMessage('go');
      const mine = burn(ms);
      const burning = mine + (await Promise.all(others)).reduce((a, b) => a + b, 0);
      const used = process.cpuUsage(before);
      writeSync(out, JSON.stringify({ burned_ns: (used.user + used.system) * 1000, burning_threads_ns: burning }));
      if (after === 'exit') process.kill(process.pid, 'SIGKILL'); // exit at once: no teardown CPU after the report
    })();
  });
  writeFileSync(`${report}.ready`, String(process.pid));
  setInterval(() => undefined, 1 << 30);
}
