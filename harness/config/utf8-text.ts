// Configuration text must be valid UTF-8 without NUL bytes: a replacement character or a NUL in an
// argument or path would reach processes and file names silently.

export type DecodedText = { text: string } | { error: string; line: number; column: number };

// Decode bytes as UTF-8; the first invalid sequence or NUL byte is an error at its line and column.
export function decodeUtf8Text(bytes: Buffer): DecodedText {
  const text = bytes.toString('utf8');
  let bad = -1;
  if (text.includes('\uFFFD')) {
    // Re-encoding gives back the same bytes up to the first invalid sequence.
    const again = Buffer.from(text, 'utf8');
    const n = Math.min(again.length, bytes.length);
    for (let i = 0; i < n; i++) {
      if (again[i] !== bytes[i]) {
        bad = i;
        break;
      }
    }
    if (bad === -1 && again.length !== bytes.length) bad = n;
  }
  const nul = bytes.indexOf(0);
  if (bad === -1 && nul === -1) return { text };
  const at = bad === -1 ? nul : nul === -1 ? bad : Math.min(bad, nul);
  const before = bytes.subarray(0, at).toString('utf8');
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const what = at === nul ? 'a NUL byte' : `invalid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')})`;
  return { error: `${what} at byte ${at}: configuration files must be UTF-8 text`, line, column };
}
