// Safe reads and writes of hostile paths (issue 17, items 3 and 5). Devices are only ever reached
// through symlinks in a temp folder and are never written: the code under test refuses before
// opening anything for writing, and a rename would replace the link, never the device.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertInside, checkOutputPath, readFileBounded, UnsafeFileError, writeFileSafe } from '../../harness/util/safe-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'safe-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fifo = (name: string): string => {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeFileError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('readFileBounded', () => {
  it('reads a regular file', () => {
    const f = path.join(dir, 'a.txt');
    writeFileSync(f, 'hello');
    expect(readFileBounded(f).toString()).toBe('hello');
  });

  it('refuses a FIFO at once instead of blocking', () => {
    expect(refusal(() => readFileBounded(fifo('p'), { what: 'patch' }))).toMatch(/patch is a FIFO, not a regular file/);
  });

  it('refuses a device reached through a symlink (/dev/zero would read forever)', () => {
    const link = path.join(dir, 'zero.patch');
    symlinkSync('/dev/zero', link);
    expect(refusal(() => readFileBounded(link))).toMatch(/character device/);
  });

  it('refuses /dev/stdin, a folder and a missing file', () => {
    expect(refusal(() => readFileBounded('/dev/stdin'))).toMatch(/not a regular file|FIFO|device|socket|no such/);
    expect(refusal(() => readFileBounded('/etc'))).toMatch(/a directory/);
    expect(refusal(() => readFileBounded(path.join(dir, 'missing')))).toMatch(/no such file/);
  });

  it('turns the I/O error of /proc/self/mem into a refusal', () => {
    expect(refusal(() => readFileBounded('/proc/self/mem'))).toMatch(/I\/O error|cannot be read/);
  });

  it('refuses a file above the limit, also one whose size stat does not tell (/proc)', () => {
    const f = path.join(dir, 'big');
    writeFileSync(f, Buffer.alloc(2048));
    expect(refusal(() => readFileBounded(f, { maxBytes: 1024 }))).toMatch(/2048 bytes, more than the limit of 1024/);
    // /proc files report size 0 but have content: the read itself stops at the limit.
    expect(refusal(() => readFileBounded('/proc/self/maps', { maxBytes: 16 }))).toMatch(/larger than the limit of 16/);
  });
});

describe('writeFileSafe', () => {
  const leftovers = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

  it('writes atomically and leaves no temp file', () => {
    const f = path.join(dir, 'out.json');
    writeFileSafe(f, 'one');
    writeFileSafe(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(leftovers()).toEqual([]);
  });

  it('removes its temp file when writing fails after creating it', () => {
    const f = path.join(dir, 'out.json');
    writeFileSync(f, 'old');
    // Not a Buffer: the write itself throws once the temp file exists.
    const bogus = { length: 4 } as unknown as Buffer;
    expect(refusal(() => writeFileSafe(f, bogus))).toMatch(/cannot write output file/);
    expect(leftovers()).toEqual([]);
    expect(readFileSync(f, 'utf8')).toBe('old');
  });

  it('refuses a FIFO target and leaves it a FIFO', () => {
    const p = fifo('out');
    expect(refusal(() => writeFileSafe(p, 'x', { what: '--out' }))).toMatch(/--out exists and is a FIFO: refusing to replace it/);
    expect(statSync(p).isFIFO()).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a symlink to a device (compare --out /dev/null) and keeps the link', () => {
    const link = path.join(dir, 'null');
    symlinkSync('/dev/null', link);
    expect(refusal(() => writeFileSafe(link, 'x'))).toMatch(/character device/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('/dev/null');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses a folder target and a dangling symlink', () => {
    mkdirSync(path.join(dir, 'sub'));
    expect(refusal(() => writeFileSafe(path.join(dir, 'sub'), 'x'))).toMatch(/a directory/);
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    expect(refusal(() => writeFileSafe(path.join(dir, 'dangling'), 'x'))).toMatch(/dangling symbolic link/);
  });

  it('does not create missing parent folders unless the harness owns them', () => {
    const f = path.join(dir, 'a', 'b', 'out.json');
    expect(refusal(() => writeFileSafe(f, 'x'))).toMatch(/does not exist \(create it first\)/);
    expect(readdirSync(dir)).toEqual([]);
    writeFileSafe(f, 'x', { createParents: true });
    expect(readFileSync(f, 'utf8')).toBe('x');
  });

  it('refuses a write that resolves outside its root, also through a symlinked folder', () => {
    const root = path.join(dir, 'root');
    mkdirSync(root);
    expect(refusal(() => writeFileSafe(path.join(root, '..', 'escaped.txt'), 'x', { root }))).toMatch(/resolves outside/);
    symlinkSync(os.tmpdir(), path.join(root, 'link'));
    expect(refusal(() => assertInside(root, path.join(root, 'link', 'x.txt')))).toMatch(/resolves outside/);
    expect(() => checkOutputPath(path.join(root, 'fine.txt'), { root })).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['root']);
  });
});
