// A deliberately malicious SFTP server (ssh2's Server on 127.0.0.1) whose directory listing
// returns names no real file system can hold: `../../escape.txt`, `/tmp/abs.txt`, `a/b`. A real
// sshd never sends those, so this double is the only way to prove a hostile server cannot make
// the copy-back write outside the artifact folder.
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;
const DIR = { mode: 0o040755, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
const file = (size: number) => ({ mode: 0o100644, uid: 0, gid: 0, size, atime: 0, mtime: 0 });

export interface CraftedServer {
  port: number;
  knownHosts: string;
  identity: string;
  /** The remote folder whose listing is crafted. */
  root: string;
  close(): Promise<void>;
}

// ssh2's generateKeyPairSync('ed25519') strips leading zero bytes of the public key, so about one
// pair in 256 cannot be parsed back (mscdex/ssh2#1390, #1513): keep the first pair that parses.
function ed25519KeyPair(): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
    if (attempt === 10) throw new Error('ssh2 generated 10 unparsable ed25519 key pairs in a row');
  }
}

// Serve `root` with one honest file (ok.txt) and the crafted names, each holding `content`.
export async function startCraftedSftpServer(dir: string, names: string[], content = 'payload\n'): Promise<CraftedServer> {
  const root = '/crafted';
  const data = Buffer.from(content);
  const hostKey = ed25519KeyPair();
  const clientKey = ed25519KeyPair();
  const entries = [{ name: 'ok.txt' }, ...names.map((name) => ({ name }))];
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const listed = new Set<number>();
          const stat = (p: string) => (p === root || p === '/home/crafted' ? DIR : file(data.length));
          sftp.on('REALPATH', (id, p) => sftp.name(id, [{ filename: p === '.' ? '/home/crafted' : path.posix.normalize(p), longname: '', attrs: DIR }]));
          sftp.on('STAT', (id, p) => sftp.attrs(id, stat(p)));
          sftp.on('LSTAT', (id, p) => sftp.attrs(id, stat(p)));
          sftp.on('OPENDIR', (id) => sftp.handle(id, Buffer.from('dir')));
          sftp.on('READDIR', (id, handle) => {
            if (listed.has(handle[0]!)) return sftp.status(id, STATUS_CODE.EOF);
            listed.add(handle[0]!);
            sftp.name(
              id,
              entries.map((e) => ({ filename: e.name, longname: e.name, attrs: file(data.length) })),
            );
          });
          sftp.on('OPEN', (id) => sftp.handle(id, Buffer.from('file')));
          sftp.on('READ', (id, _h, offset, length) => (offset >= data.length ? sftp.status(id, STATUS_CODE.EOF) : sftp.data(id, data.subarray(offset, offset + length))));
          sftp.on('FSTAT', (id) => sftp.attrs(id, file(data.length)));
          sftp.on('CLOSE', (id) => sftp.status(id, STATUS_CODE.OK));
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const hostPub = utils.parseKey(hostKey.public);
  if (hostPub instanceof Error) throw hostPub;
  const knownHosts = path.join(dir, 'crafted_known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ssh-ed25519 ${hostPub.getPublicSSH().toString('base64')}\n`);
  const identity = path.join(dir, 'crafted_id');
  writeFileSync(identity, clientKey.private, { mode: 0o600 });
  return { port, knownHosts, identity, root, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
