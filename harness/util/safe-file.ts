// Reading and writing files whose paths come from users, descriptors or artifacts. The harness runs
// as root, so every such path is hostile: a device, a FIFO or /proc file must never be read without
// bound or block, a device node must never be replaced by a rename, and a temp file must never stay
// behind. One module, used by every reader and writer of such paths.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';

/** A path the harness refuses to read or write, with why (exit 2 at the CLI: it is bad input). */
export class UnsafeFileError extends HarnessError {
  readonly failureKind = 'config' as const;
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'UnsafeFileError';
  }
}

/** Default read limits by kind of file. */
export const READ_LIMITS = {
  /** Suite descriptors and workload configs. */
  yaml: 16 * 1024 * 1024,
  /** Mutation patches, agent config templates. */
  text: 16 * 1024 * 1024,
  /** run_result.json, plan.json, summary.json. */
  json: 256 * 1024 * 1024,
} as const;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function describeErrno(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory, expected a file';
  if (e.code === 'EIO') return 'cannot be read (I/O error: not an ordinary file)';
  if (e.code === 'ENAMETOOLONG') return 'the path is too long';
  if (e.code === 'ELOOP') return 'too many levels of symbolic links';
  return e.code ? `${e.code}: ${e.message}` : String(err);
}

export interface ReadOptions {
  /** Largest size read; a bigger file is refused. @default READ_LIMITS.text */
  maxBytes?: number;
  /** What the file is, for messages ("patch", "run_result.json"). @default 'file' */
  what?: string;
}

// Read a regular file of bounded size. Opens with O_NONBLOCK and checks fstat before reading, so a
// FIFO, /dev/stdin or a device is refused at once instead of blocking or reading forever; the read
// itself stops at the limit, so a /proc file that lies about its size cannot grow without bound.
export function readFileBounded(file: string, { maxBytes = READ_LIMITS.text, what = 'file' }: ReadOptions = {}): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new UnsafeFileError(file, `${what} ${describeErrno(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeFileError(file, `${what} is ${kindOf(st)}, not a regular file`);
    if (st.size > maxBytes) throw new UnsafeFileError(file, `${what} is ${st.size} bytes, more than the limit of ${maxBytes}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new UnsafeFileError(file, `${what} ${describeErrno(err)}`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new UnsafeFileError(file, `${what} is larger than the limit of ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

// The same, decoded as UTF-8 (invalid bytes become U+FFFD; callers that must reject them check first).
export function readTextBounded(file: string, options: ReadOptions = {}): string {
  return readFileBounded(file, options).toString('utf8');
}

// Whether a path exists as a regular file (following links): the harness reads only those.
export function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where a write must land. */
export interface WriteOptions {
  /** The write must resolve inside this folder (after following links of the parent). */
  root?: string;
  /**
   * Create missing parent folders. Only for folders the harness owns (artifact folders, suites/,
   * the default reports/): a path the user named must have an existing parent. @default false
   */
  createParents?: boolean;
  /** What the file is, for messages. @default 'output file' */
  what?: string;
}

// Is `target` inside `root` (or equal to it) as paths, after resolving both?
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

// Refuse a path outside its root; links of the existing part of the path are followed first, so a
// symlinked folder inside the root cannot lead out of it.
export function assertInside(root: string, target: string, what = 'path'): void {
  const resolved = realpathOfExisting(target);
  const realRoot = realpathOfExisting(root);
  if (!isInside(root, target) || !isInside(realRoot, resolved)) {
    throw new UnsafeFileError(target, `${what} resolves outside ${root}`);
  }
}

// realpath of the longest existing prefix of a path, with the rest appended.
function realpathOfExisting(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

// Check that an output path may be written: an existing target must be a regular file (a symlink
// is judged by what it points to), its folder must exist unless the harness owns it.
export function checkOutputPath(file: string, { root, createParents = false, what = 'output file' }: WriteOptions = {}): void {
  if (root) assertInside(root, file, what);
  let st: Stats | undefined;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UnsafeFileError(file, `${what} ${describeErrno(err)}`);
  }
  if (st && !st.isFile()) throw new UnsafeFileError(file, `${what} exists and is ${kindOf(st)}: refusing to replace it (name a regular file)`);
  if (!st) {
    try {
      if (lstatSync(file).isSymbolicLink()) throw new UnsafeFileError(file, `${what} is a dangling symbolic link: refusing to replace it`);
    } catch (err) {
      if (err instanceof UnsafeFileError) throw err;
    }
  }
  const dir = path.dirname(path.resolve(file));
  let dirStat: Stats | undefined;
  try {
    dirStat = statSync(dir);
  } catch {
    if (!createParents) throw new UnsafeFileError(file, `${what}'s folder ${dir} does not exist (create it first)`);
  }
  if (dirStat && !dirStat.isDirectory()) throw new UnsafeFileError(file, `${what}'s parent ${dir} is not a folder`);
}

// Write a file so readers never see half of it: a temp file beside the target (created exclusively,
// so a planted link is never followed), then rename over it. The target must be a regular file or
// absent: a device, FIFO or folder is refused, never replaced. The temp file is removed on failure.
export function writeFileSafe(file: string, data: string | Buffer, options: WriteOptions = {}): void {
  checkOutputPath(file, options);
  const dir = path.dirname(path.resolve(file));
  if (options.createParents) mkdirParents(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    closeSync(fd);
    fd = undefined;
    // Checked again just before the rename: the target may have been replaced meanwhile.
    checkOutputPath(file, { ...options, root: undefined, createParents: true });
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    if (err instanceof UnsafeFileError) throw err;
    // The disk, not the path, is at fault (full, over quota, read-only): the caller names the cause.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS') throw err;
    throw new UnsafeFileError(file, `cannot write ${options.what ?? 'output file'}: ${describeErrno(err)}`);
  }
}

export function writeJsonSafe(file: string, value: unknown, options: WriteOptions = {}): void {
  writeFileSafe(file, `${JSON.stringify(value, null, 2)}\n`, options);
}

// mkdir -p for folders the harness owns; an existing non-folder on the way fails with ENOTDIR.
function mkdirParents(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UnsafeFileError(dir, `cannot create the folder: ${describeErrno(err)}`);
  }
}
