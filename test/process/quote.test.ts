import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv } from '../../harness/process/index.ts';

describe('quoteArgv', () => {
  it('leaves safe words bare and single-quotes the rest', () => {
    expect(quoteArgv(['node', 'server.ts', '--port', '6390', '--bind=127.0.0.1:80', 'a/b.c', 'x@y%z+1,2'])).toBe('node server.ts --port 6390 --bind=127.0.0.1:80 a/b.c x@y%z+1,2');
    expect(quoteArgv(['sh', '-c', 'echo $HOME; ls *'])).toBe(`sh -c 'echo $HOME; ls *'`);
    expect(quoteArgv(['echo', '', 'a b', '{a,b}', '~', '!x', '#c'])).toBe(`echo '' 'a b' '{a,b}' '~' '!x' '#c'`);
  });

  it("writes ' as '\\''", () => {
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg("'")).toBe(`''\\'''`);
  });

  it('quotes a first word that would read as a variable assignment', () => {
    expect(quoteArgv(['A=1', 'B=2'])).toBe(`'A=1' B=2`);
  });

  it('can leave ~/ bare for a remote shell to expand', () => {
    expect(quoteArgv(['cd', '~/Micro Sentinel', '~'], { expandHome: true })).toBe(`cd ~/'Micro Sentinel' ~`);
    expect(quoteArg('~/', { expandHome: true })).toBe('~/');
    expect(quoteArg('~user/x', { expandHome: true })).toBe(`'~user/x'`);
  });

  it('round-trips through a real shell', () => {
    const argv = ['printf', '%s\\n', "it's", 'a b', '$HOME', '`id`', '"q"', 'tab\there', 'new\nline', '\\', '*', '', 'ü'];
    const out = execFileSync('sh', ['-c', quoteArgv(argv)], { encoding: 'utf8' });
    expect(out).toBe(argv.slice(2).map((a) => `${a}\n`).join(''));
  });
});
