// RESP2 encoders: replies for the server, commands for clients.

const CRLF = Buffer.from('\r\n');

export const OK = Buffer.from('+OK\r\n');
export const PONG = Buffer.from('+PONG\r\n');
export const NULL_BULK = Buffer.from('$-1\r\n');
export const EMPTY_ARRAY = Buffer.from('*0\r\n');

export function simpleString(s: string): Buffer {
  return Buffer.from(`+${s}\r\n`);
}

// Error replies must not contain line breaks; they are replaced by spaces.
export function errorReply(message: string): Buffer {
  return Buffer.from(`-${message.replace(/[\r\n]+/g, ' ')}\r\n`);
}

export function integer(n: number | bigint): Buffer {
  return Buffer.from(`:${n}\r\n`);
}

export function bulk(value: Buffer | string | null): Buffer {
  if (value === null) return NULL_BULK;
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from(`$${data.length}\r\n`), data, CRLF]);
}

// An array whose items are already encoded replies.
export function array(items: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items]);
}

/** A command as a client sends it: an array of bulk strings. */
export function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(bulk(a));
  return Buffer.concat(parts);
}
