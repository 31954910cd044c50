/** Names whose values are secrets: tokens, passwords, passphrases, keys. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_?KEY|API_?KEY|CREDENTIAL|AUTH)/i;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

// Strip private key material and `NAME=value` / `--password x` style secrets from free text (logs, commands).
export function redactText(text: string): string {
  return text
    .replace(PRIVATE_KEY_BLOCK, `-----BEGIN PRIVATE KEY-----${REDACTED}-----END PRIVATE KEY-----`)
    .replace(/\b([A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY)[A-Za-z0-9_]*)=([^\s'"]+)/gi, `$1=${REDACTED}`)
    .replace(/(--?[A-Za-z0-9-]*(?:token|secret|password|passphrase|api-?key)[A-Za-z0-9-]*)(=|\s+)([^\s'"-][^\s'"]*)/gi, `$1$2${REDACTED}`);
}

// Deep copy with secret-named keys' values replaced and every string scrubbed (plan.json, reports).
export function redactValue<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (key && isSecretName(key) ? REDACTED : redactText(value)) as T;
  if (Array.isArray(value)) return redactArgv(value) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretName(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactValue(v, k)])) as T;
  }
  return value;
}

// argv: a secret flag's separate value (`--token abc`) is redacted too.
function redactArgv(items: unknown[]): unknown[] {
  return items.map((item, i) => {
    const prev = items[i - 1];
    if (typeof item === 'string' && typeof prev === 'string' && /^--?[A-Za-z0-9-]*(token|secret|password|passphrase|api-?key)[A-Za-z0-9-]*$/i.test(prev)) return REDACTED;
    return redactValue(item);
  });
}

const MAX_REDACT_BYTES = 64 * 1024 * 1024;

// Scrub a log file in place after its process ended; returns false when it was too big to scrub.
export function redactFileInPlace(file: string, fs: { statSync: typeof import('node:fs').statSync; readFileSync: typeof import('node:fs').readFileSync; writeFileSync: typeof import('node:fs').writeFileSync }): boolean {
  if (fs.statSync(file).size > MAX_REDACT_BYTES) return false;
  const text = fs.readFileSync(file, 'utf8');
  const clean = redactText(text);
  if (clean !== text) fs.writeFileSync(file, clean);
  return true;
}
