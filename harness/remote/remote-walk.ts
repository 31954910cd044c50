import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { checkRemoteName } from './safe-path.ts';

/** A regular file under a fetched remote root. */
export interface RemoteFile {
  /** Remote path as the SFTP server names it. */
  remote: string;
  /** Path parts below the root, each checked to be a plain name. */
  parts: string[];
  size: number;
}

export interface RemoteTree {
  files: RemoteFile[];
  /** Folders (as path parts below the root), so empty ones are recreated too. */
  dirs: string[][];
  /** Entries not fetched, each with why (unsafe name, symlink out of the root, unreadable folder). */
  errors: string[];
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
/** Bounds on a walk, so a huge or looping tree cannot stall a run. */
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 64;
const LIST_CONCURRENCY = 8;

// Promise form of one ssh2 SFTP call.
export function sftpCall<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

export function modeType(mode: number): 'dir' | 'file' | 'symlink' | 'other' {
  const t = mode & S_IFMT;
  return t === S_IFDIR ? 'dir' : t === S_IFREG ? 'file' : t === S_IFLNK ? 'symlink' : 'other';
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root === '/' ? '/' : `${root}/`);
}

// Every file below `root` (a real, absolute remote path). Names are checked before they are
// used; symlinks are followed only when they resolve inside the root; devices and FIFOs are skipped.
export async function walkRemote(sftp: SFTPWrapper, root: string): Promise<RemoteTree> {
  const tree: RemoteTree = { files: [], dirs: [], errors: [] };
  let queue: string[][] = [[]];
  // Breadth first, one level at a time, a few listings in flight.
  for (let depth = 0; queue.length > 0; depth++) {
    if (depth > MAX_DEPTH) {
      tree.errors.push(`folders nested deeper than ${MAX_DEPTH} levels under ${root}: not fetched`);
      break;
    }
    if (tree.files.length + tree.dirs.length > MAX_ENTRIES) {
      tree.errors.push(`more than ${MAX_ENTRIES} entries under ${root}: stopped listing`);
      break;
    }
    const next: string[][] = [];
    for (let i = 0; i < queue.length; i += LIST_CONCURRENCY) {
      await Promise.all(queue.slice(i, i + LIST_CONCURRENCY).map((parts) => listDir(sftp, root, parts, tree, next)));
    }
    queue = next;
  }
  return tree;
}

async function listDir(sftp: SFTPWrapper, root: string, parts: string[], tree: RemoteTree, next: string[][]): Promise<void> {
  const dir = posix.join(root, ...parts);
  let list;
  try {
    list = await sftpCall<{ filename: string; attrs: Stats }[]>((cb) => sftp.readdir(dir, cb));
  } catch (err) {
    tree.errors.push(`${dir}: cannot list: ${(err as Error).message}`);
    return;
  }
  for (const { filename, attrs } of list) {
    if (filename === '.' || filename === '..') continue;
    try {
      checkRemoteName(filename);
    } catch (err) {
      tree.errors.push(`${dir}: ${(err as Error).message}`);
      continue;
    }
    const child = [...parts, filename];
    const remote = posix.join(dir, filename);
    let type = modeType(attrs.mode);
    let size = attrs.size;
    if (type === 'symlink') {
      const target = await sftpCall<string>((cb) => sftp.realpath(remote, cb)).catch(() => undefined);
      if (!target || !inside(root, target)) {
        tree.errors.push(`${remote}: symlink points ${target ? `to ${target}, ` : ''}outside ${root}: not fetched`);
        continue;
      }
      const st = await sftpCall<Stats>((cb) => sftp.stat(remote, cb)).catch(() => undefined);
      // A folder symlink inside the root is fetched through its real path already.
      if (!st || modeType(st.mode) !== 'file') continue;
      type = 'file';
      size = st.size;
    }
    if (type === 'dir') {
      tree.dirs.push(child);
      next.push(child);
    } else if (type === 'file') {
      tree.files.push({ remote, parts: child, size });
    }
  }
}
