// environHas: the whole-entry match the teardown's stray scan relies on (processesWithToken), read in
// chunks: an entry split across two chunks, the last entry, look-alike names and values, a gone pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { environHas } from '../../harness/process/proc-info.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

// A sleeping child with exactly this environment, in this order (what /proc/<pid>/environ shows).
function sleeper(env: Record<string, string>): number {
  const c = spawn('/bin/sleep', ['30'], { env, stdio: 'ignore' });
  children.push(c);
  return c.pid!;
}

it('matches a whole NAME=value entry, not a longer name or value, first, middle or last', () => {
  const pid = sleeper({ XTOKEN: 'a', TOKEN_B: 'x', TOKEN: 'run-1', OTHER: 'TOKEN=run-2', LAST: 'TOKEN=run-3x' });
  expect(environHas(pid, 'TOKEN=run-1')).toBe(true);
  expect(environHas(pid, 'XTOKEN=a')).toBe(true);
  expect(environHas(pid, 'LAST=TOKEN=run-3x')).toBe(true); // the last entry
  expect(environHas(pid, 'TOKEN=run')).toBe(false); // a prefix of the value
  expect(environHas(pid, 'TOKEN=a')).toBe(false); // XTOKEN=a ends with it
  expect(environHas(pid, 'TOKEN=run-2')).toBe(false); // inside OTHER's value
  expect(environHas(pid, 'TOKEN=run-3')).toBe(false); // a prefix of the last entry
});

// Entries PAD0=…, PAD1=… of `bytes` bytes in all (NULs included), so that the next entry starts there.
function padding(bytes: number): Record<string, string> {
  const env: Record<string, string> = {};
  let left = bytes;
  for (let i = 0; left > 0; i++) {
    // One entry may not exceed 128 KiB (MAX_ARG_STRLEN); the last two share what is left.
    const size = left > 120_000 ? 60_000 : left > 60_000 ? Math.floor(left / 2) : left;
    const name = `PAD${i}`;
    env[name] = 'p'.repeat(size - name.length - 2);
    left -= size;
  }
  return env;
}

it('finds an entry that straddles the 64 KiB chunk boundary, or lies far beyond it', () => {
  // The first read holds 65,535 bytes of the environment (one byte is the virtual NUL before it).
  for (const at of [65_535 - 12, 65_535 - 3, 65_535 - 1, 65_535, 65_535 + 2, 131_070 - 5, 200_000]) {
    const pid = sleeper({ ...padding(at), TOKEN: `run-${at}`, TAIL: 't' });
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1').indexOf(`TOKEN=run-${at}`), 'where the entry starts').toBe(at);
    expect(environHas(pid, `TOKEN=run-${at}`), `at ${at}`).toBe(true);
    expect(environHas(pid, `TOKEN=run-${at + 1}`), `at ${at}`).toBe(false);
    expect(environHas(pid, 'TAIL=t'), `at ${at}`).toBe(true);
  }
});

it('a gone process or a kernel thread (empty environment) has nothing', () => {
  expect(environHas(2 ** 22 + 12345, 'TOKEN=x')).toBe(false);
  expect(environHas(2, 'TOKEN=x')).toBe(false); // kthreadd
});
