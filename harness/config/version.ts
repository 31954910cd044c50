import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './project-root.ts';

/** The harness's own version (package.json), recorded in every plan.json. */
export const HARNESS_VERSION: string = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
