import path from 'node:path';
import { writeFileSafe } from '../../util/safe-file.ts';
import { jsonSchemas } from '../../config/json-schema.ts';
import '../../results/run-result-schema.ts';
import '../../results/generator-metrics-schema.ts';
import type { CliIo } from '../main.ts';

// `harness schema`: write JSON Schemas so editors autocomplete descriptors.
export function schemaCommand(rootDir: string, opts: { out: string }, io: CliIo): number {
  const dir = path.resolve(rootDir, opts.out);
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const file = path.join(dir, name);
    // The folder is the one the user named (created if missing); a device or FIFO in it is refused.
    writeFileSafe(file, `${JSON.stringify(schema, null, 2)}\n`, { createParents: true, what: 'schema file' });
    io.stdout.write(`wrote ${path.relative(rootDir, file)}\n`);
  }
  io.stdout.write('Point editors at them with `# yaml-language-server: $schema=<path>` on the first line of a YAML file.\n');
  return 0;
}
