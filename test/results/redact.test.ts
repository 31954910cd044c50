import { describe, expect, it } from 'vitest';
import { REDACTED, redactText, redactValue } from '../../harness/results/redact.ts';

describe('secret redaction', () => {
  it('replaces values of secret-looking names, keeps the rest', () => {
    const plan = { env: { API_TOKEN: 'abc123', DB_PASSWORD: 'hunter2', RATE: '1000' }, passphrase: 'open sesame', settings: { rate: 5 } };
    expect(redactValue(plan)).toEqual({ env: { API_TOKEN: REDACTED, DB_PASSWORD: REDACTED, RATE: '1000' }, passphrase: REDACTED, settings: { rate: 5 } });
  });

  it('scrubs argv flags, NAME=value pairs and private keys from text', () => {
    expect(redactValue(['agent', '--token', 's3cr3t', '--rate', '5'])).toEqual(['agent', '--token', REDACTED, '--rate', '5']);
    expect(redactText('export GITHUB_TOKEN=ghp_xyz and --password=pw1 done')).toBe(`export GITHUB_TOKEN=${REDACTED} and --password=${REDACTED} done`);
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----';
    expect(redactText(`key:\n${key}\nafter`)).not.toContain('b3BlbnNzaC1rZXktdjEAAAA');
    expect(redactText(`key:\n${key}\nafter`)).toContain('after');
  });
});
