// Checks of a resolved variant that no schema can express: names that must be unique across lists
// (each names a log file and a metrics file, so two processes with one name would share them).
import { RenderError } from './render-run.ts';
import type { ResolvedVariant } from './resolve-config.ts';

// Every duplicate server/antagonist or client name, at the later one.
export function checkResolvedProcesses(resolved: ResolvedVariant): RenderError[] {
  const out: RenderError[] = [];
  const check = (names: string[], pathOf: (i: number) => (string | number)[], what: string, file: (n: string) => string): void => {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else out.push(new RenderError(`two ${what} are named \`${name}\`: they would share ${file(name)}`, [...pathOf(i), 'name'], `give each ${what.replace(/s$/, '')} its own name`));
    });
  };
  check(resolved.servers.map((s) => s.name), (i) => [...resolved.serverPath(i)], 'servers', (n) => `the log ${n}_server.log`);
  check(resolved.clients.map((c) => c.name), (i) => [...resolved.clientPath(i)], 'clients', (n) => `the log ${n}_client.log and metrics/${n}.json`);
  return out;
}
