import { existsSync, readFileSync } from 'node:fs';
import type { AuthMethod, ParsedKey } from 'ssh2';
import { loadSsh2 } from '../util/lazy-module.ts';
import { RemoteConnectError, type OfferedIdentity } from './connect-errors.ts';
import { fingerprintSha256 } from './known-hosts.ts';
import type { ResolvedHost } from './ssh-config.ts';

export interface LoadedIdentities {
  /** ssh2 auth methods in the order OpenSSH would try them: key files, then the agent. */
  methods: AuthMethod[];
  offered: OfferedIdentity[];
  agent: boolean;
}

// Read and parse the host's identity files up front, so a bad or encrypted key is named before connecting.
export function loadIdentities(t: ResolvedHost): LoadedIdentities {
  const methods: AuthMethod[] = [];
  const offered: OfferedIdentity[] = [];
  const missing: string[] = [];
  for (const file of t.identityFiles) {
    if (!existsSync(file)) {
      // OpenSSH skips missing IdentityFile entries silently; a key the remote spec names must exist.
      if (t.identitySource === 'remote-spec') throw new RemoteConnectError('identity', `identity_file ${file} for ${t.alias} does not exist (remote spec). Create the key or fix the path.`);
      missing.push(file);
      continue;
    }
    const parsed = loadSsh2().utils.parseKey(readFileSync(file));
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      throw new RemoteConnectError(
        'identity',
        encrypted
          ? `Identity file ${file} for ${t.alias} is encrypted; the harness cannot prompt for a passphrase. Load it into ssh-agent (ssh-add ${file}) and drop it from IdentityFile/identity_file, or use an unencrypted key for the testbed.`
          : `Identity file ${file} for ${t.alias} could not be read as a private key: ${parsed.message}`,
        { cause: parsed },
      );
    }
    const key = parsed as ParsedKey;
    methods.push({ type: 'publickey', username: t.user, key } as AuthMethod);
    offered.push({ file, description: `${key.type} ${fingerprintSha256(key.getPublicSSH())}` });
  }
  if (t.useAgent) methods.push({ type: 'agent', username: t.user, agent: process.env.SSH_AUTH_SOCK } as AuthMethod);
  if (methods.length === 0) {
    const looked = missing.length > 0 ? `none of ${missing.join(', ')} exists` : 'no IdentityFile configured and no ~/.ssh/id_* key';
    throw new RemoteConnectError('identity', `No identity to log in to ${t.alias} as ${t.user}: ${looked}, and no ssh-agent (SSH_AUTH_SOCK) to use. Set remote.identity_file or IdentityFile in ${t.configFile ?? '~/.ssh/config'}.`);
  }
  return { methods, offered, agent: t.useAgent };
}
