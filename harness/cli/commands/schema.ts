import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jsonSchemas } from '../../config/json-schema.ts';
import '../../results/run-result-schema.ts';
import type { CliIo } from '../main.ts';

// `harness schema`: write JSON Schemas so editors autocomplete descriptors.
export function schemaCommand(rootDir: string, opts: { out: string }, io: CliIo): number {
  const dir = path.resolve(rootDir, opts.out);
  mkdirSync(dir, { recursive: true });
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const file = path.join(dir, name);
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    io.stdout.write(`wrote ${path.relative(rootDir, file)}\n`);
  }
  io.stdout.write('Point editors at them with `# yaml-language-server: $schema=<path>` on the first line of a YAML file.\n');
  return 0;
}
