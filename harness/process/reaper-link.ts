import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REAPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reaper.sh');

/**
 * The line to this process's reaper (reaper.sh), started on first use in its own session so
 * neither Ctrl-C nor a kill of our process group reaches it. It holds the read end of a pipe we
 * write: when this process dies, however, the kernel closes our end and the reaper kills what we
 * still had listed (run cgroups, process groups) and deletes our ledger files.
 */
export class ReaperLink {
  private child: ChildProcess | undefined;
  private failed = false;

  // false when no reaper could be started (then only the ledger and the next run protect us).
  private send(line: string): boolean {
    if (line.includes('\n')) return false; // one entry per line; hostile paths never split one
    if (!this.child && !this.failed) this.start();
    if (!this.child?.stdin || this.child.stdin.destroyed) return false;
    this.child.stdin.write(`${line}\n`);
    return true;
  }

  private start(): void {
    try {
      this.child = spawn('/bin/sh', [REAPER], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      this.child.once('error', () => {
        this.failed = true;
        this.child = undefined;
      });
      this.child.stdin?.on('error', () => undefined); // reaper gone: nothing to tell it any more
      // Neither the reaper nor our end of its pipe may keep this process alive.
      this.child.unref();
      (this.child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    } catch {
      this.failed = true;
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  watchCgroup(dir: string, on = true): boolean {
    return this.send(`${on ? '+' : '-'}cg ${dir}`);
  }

  watchGroup(pgid: number, on = true): boolean {
    return this.send(`${on ? '+' : '-'}pg ${pgid}`);
  }

  watchToken(token: string, on = true): boolean {
    return this.send(`${on ? '+' : '-'}tok ${token}`);
  }

  watchFile(file: string, on = true): boolean {
    return this.send(`${on ? '+' : '-'}file ${file}`);
  }
}
