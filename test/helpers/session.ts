import { resolveSession, type SessionFlags } from '../../harness/session/resolve-session.ts';
import type { HarnessSession } from '../../harness/session/session.ts';

// A session as `harness run` would resolve it for a project, without reading this process's environment.
export function testSession(rootDir: string, flags: SessionFlags = {}, env: NodeJS.ProcessEnv = {}): HarnessSession {
  return resolveSession(rootDir, flags, env);
}
