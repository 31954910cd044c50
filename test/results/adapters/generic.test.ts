// The two generic adapters on real tool output: JSON paths over hyperfine's export, named regular
// expressions over ab's report; each figure checked against the tool's own.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueAtPath } from '../../../harness/results/adapters/json-paths.ts';
import { runTool, startHttpServer, type LoopbackServer, type ToolRun } from '../../helpers/load-targets.ts';
import { convert, printed, tempDir } from './helpers.ts';

let server: LoopbackServer;
const tmp = tempDir();
let ab: ToolRun;
let hf: ToolRun;
beforeAll(async () => {
  server = await startHttpServer();
  ab = await runTool(tmp.dir, 'ab', ['ab', '-n', '300', '-c', '2', `http://127.0.0.1:${server.port}/`]);
  hf = await runTool(tmp.dir, 'hf', ['hyperfine', '-N', '--runs', '5', '--export-json', 'hf.json', 'true']);
});
afterAll(async () => {
  await server.stop();
  tmp.dispose();
});

describe('json adapter', () => {
  it('maps dotted paths with units into the format; unmapped fields are stated unavailable', () => {
    const own = (JSON.parse(readFileSync(path.join(tmp.dir, 'hf.json'), 'utf8')) as { results: { mean: number; max: number }[] }).results[0]!;
    const m = convert(hf, { adapter: 'json', file: path.join(tmp.dir, 'hf.json'), load_model: 'closed', fields: { 'latency_us.mean': { path: 'results[0].mean', unit: 's' }, 'latency_us.max': { path: '$.results[0].max', unit: 's' } } });
    expect(m.latency_us).toEqual({ mean: own.mean * 1e6, max: own.max * 1e6 });
    expect(m).toMatchObject({ load_model: 'closed', offered_rps: null, histogram: null });
    expect(m.unavailable).toEqual(expect.arrayContaining(['achieved_rps', 'latency_us.p99', 'histogram']));
  });

  it('names the path that is not in the document, and never walks into a prototype', () => {
    const file = path.join(tmp.dir, 'hf.json');
    expect(() => convert(hf, { adapter: 'json', file, load_model: 'closed', fields: { achieved_rps: 'results[0].rps' } })).toThrow(`${file}:1: expected a number at results[0].rps for achieved_rps; the path is not in the document`);
    expect(valueAtPath({ a: 1 }, '__proto__.constructor')).toBeUndefined();
    expect(valueAtPath({ a: [{ b: 2 }] }, 'a[0].b')).toBe(2);
  });
});

describe('regex adapter', () => {
  it('takes the named group `value` of the first matching line, converting units', () => {
    const m = convert(ab, {
      adapter: 'regex',
      load_model: 'closed',
      fields: {
        achieved_rps: { pattern: '^Requests per second:\\s+(?<value>[\\d.]+)' },
        completed: { pattern: '^Complete requests:\\s+(\\d+)' },
        'latency_us.p99': { pattern: '^\\s+99%\\s+(?<value>\\d+)', unit: 'ms' },
      },
    });
    expect(m.achieved_rps).toBe(printed(ab, /^Requests per second:\s+([\d.]+)/m));
    expect(m.completed).toBe(300);
    expect(m.latency_us!.p99).toBe(printed(ab, /^\s+99%\s+(\d+)/m) * 1000);
  });

  it('fails with the file, the line and the pattern when nothing matches or the group is not a number', () => {
    expect(() => convert(ab, { adapter: 'regex', load_model: 'closed', fields: { achieved_rps: { pattern: 'Reqs/s: (\\d+)' } } })).toThrow(/ab\.log:\d+: expected a line matching \/Reqs\/s: \(\\d\+\)\/ for achieved_rps; no line matches/);
    const file = path.join(tmp.dir, 'odd.log');
    writeFileSync(file, 'first\nrate: fast\n');
    expect(() => convert({ ...ab, logPath: file }, { adapter: 'regex', load_model: 'closed', fields: { achieved_rps: { pattern: 'rate: (?<value>\\S+)' } } })).toThrow(`${file}:2: expected a number in the group \`value\``);
  });
});
