// Types of bin/runtime-bundle.js (plain JavaScript: it runs before any TypeScript loader).
export declare const PACKAGE_ROOT: string;
export declare const CACHE_DIR: string;
export declare const ENTRIES: Record<'cli' | 'suite-file' | 'global-setup' | 'vitest-reporter', string>;
export declare function bundleKey(): string;
export declare function runtimeBundle(env?: NodeJS.ProcessEnv): Promise<{ dir: string | null; reason: string | null }>;
export declare function entryFile(name: keyof typeof ENTRIES, env?: NodeJS.ProcessEnv): Promise<string>;
export declare function loadCli(env?: NodeJS.ProcessEnv): Promise<typeof import('../harness/cli/main.ts')>;
