// Every process group the harness started; on its exit or interruption they are all killed,
// so no process outlives the harness (the guarantee the README makes).
const live = new Map<number, string>();
let installed = false;

function killAll(): void {
  for (const pgid of live.keys()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      // Re-raise the default behaviour once our groups are gone (unless someone else handles it).
      if (process.listenerCount(signal) === 1) process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function registerGroup(pgid: number, name: string): void {
  install();
  live.set(pgid, name);
}

export function unregisterGroup(pgid: number): void {
  live.delete(pgid);
}

// Groups still alive, for tests and diagnostics.
export function listLiveGroups(): { pgid: number; name: string }[] {
  return [...live].map(([pgid, name]) => ({ pgid, name }));
}
