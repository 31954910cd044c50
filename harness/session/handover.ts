import { HarnessSessionSchema, type HarnessSession } from './session.ts';
import { SessionError } from './session-error.ts';

/** The one environment variable that carries a session from its edge to Vitest and its workers. */
export const SESSION_ENV = 'HARNESS_SESSION';

// The session as the environment of a child process (Vitest, its workers).
export function sessionToEnv(session: HarnessSession): Record<string, string> {
  return { [SESSION_ENV]: JSON.stringify(session) };
}

// The session an outer edge handed over, validated; undefined when there is none.
export function sessionFromEnv(env: NodeJS.ProcessEnv): HarnessSession | undefined {
  const raw = env[SESSION_ENV];
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new SessionError(`${SESSION_ENV} is not valid JSON (it is set by \`harness run\`; unset it to run plain Vitest): ${raw.slice(0, 200)}`);
  }
  const parsed = HarnessSessionSchema.safeParse(value);
  if (!parsed.success) {
    throw new SessionError(`${SESSION_ENV} does not hold a harness session (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); it is set by \`harness run\`, unset it to run plain Vitest`);
  }
  return parsed.data;
}
