import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliSession } from '../cli-session.ts';
import { withClickHouse } from '../with-clickhouse.ts';
import { describeSelection, UnknownIdError } from '../../ingest/select.ts';
import { ident } from '../../ingest/schema.ts';
import { buildNotebook, type NotebookSource } from '../../notebook/build-notebook.ts';
import { selectArtifacts } from '../../notebook/find-artifacts.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { CliIo } from '../main.ts';
import { UsageError } from '../errors.ts';
import { clickhouseUrl } from './ingest.ts';

export interface NotebookFlags {
  clickhouse?: string;
  database: string;
  artifacts?: string;
  out?: string;
}

// An ID is a file name (artifact folder) or a suite execution ID: nothing that walks paths.
function checkId(id: string): void {
  const control = [...id].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!id || id.length > 255 || id === '.' || id === '..' || control || /[/\\]/.test(id)) {
    throw new UsageError(`"${id}" is not a suite execution ID or an artifact folder name (printed by \`harness run\` at start and end, or the name of a folder under the artifacts root)`);
  }
}

// `harness notebook ID [--clickhouse URL | --artifacts DIR] [--out FILE]`: a notebook that rebuilds the suite's analysis.
export async function notebookCommand(rootDir: string, id: string, opts: NotebookFlags, io: CliIo): Promise<number> {
  checkId(id);
  const session = cliSession(rootDir, opts.artifacts ? { artifacts: opts.artifacts } : {});
  if (opts.clickhouse && opts.artifacts) throw new UsageError('--clickhouse and --artifacts are two sources for the notebook: give one');
  let source: NotebookSource;
  let selected = '';
  if (opts.artifacts || (!opts.clickhouse && !process.env.HARNESS_CLICKHOUSE_URL)) {
    const dir = opts.artifacts ? path.resolve(opts.artifacts) : session.artifactsRoot;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--artifacts ${dir} is not a folder of artifact folders`);
    const sel = selectArtifacts(dir, id);
    if (sel.runs === 0) throw new UsageError(`no run in ${dir} has suite execution ID or artifact folder "${id}"; pass --artifacts DIR (the run's --artifacts) or --clickhouse URL after \`harness ingest\``);
    source = { kind: 'artifacts', dir };
    selected = `${sel.runs} runs of suite execution ${sel.suiteExecutionIds.join(', ') || '(none recorded)'} in ${dir}`;
  } else {
    const url = clickhouseUrl(opts.clickhouse);
    const database = ident(opts.database);
    const found = await withClickHouse(url, io, async (engine) => {
      try {
        const sel = await describeSelection(engine, database, id);
        selected = `${sel.runs} runs of ${sel.suites.join(', ')}, suite execution ${sel.suiteExecutionIds.join(', ')}, in ${url} database ${database}`;
        return 0;
      } catch (err) {
        if (err instanceof UnknownIdError) throw new UsageError(err.message);
        throw err;
      }
    });
    if (found !== 0) return found;
    source = { kind: 'clickhouse', url, database };
  }
  const out = opts.out ? path.resolve(rootDir, opts.out) : path.join(session.reportsDir, `analysis-${id}.ipynb`);
  writeFileAtomic(out, `${JSON.stringify(buildNotebook({ id, source }), null, 1)}\n`);
  io.stdout.write(`wrote ${out}: ${selected}\nrun it headless: jupyter nbconvert --to notebook --execute ${JSON.stringify(out)} --output ${JSON.stringify(path.basename(out, '.ipynb') + '.out.ipynb')}\n`);
  return 0;
}
