import { parse, stringify } from 'smol-toml';
import { setPath } from '../plan/merge.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { readTextBounded } from '../util/safe-file.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** The agent's TOML config could not be read or rendered. */
export class AgentConfigError extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'AgentConfigError';
}

// Read the agent's TOML template (if any), set the run's dotted keys, write the per-run copy.
export function renderAgentConfig(template: string | undefined, settings: Record<string, unknown>, outFile: string): { toml: string; config: Record<string, unknown> } {
  let config: Record<string, unknown> = {};
  if (template) {
    let text: string;
    try {
      text = readTextBounded(template, { what: 'agent config' });
    } catch (err) {
      throw new AgentConfigError(`cannot read the agent config ${template}: ${(err as Error).message}; pass --agent-config PATH or set instrumentation.agent_config`);
    }
    try {
      config = parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new AgentConfigError(`the agent config ${template} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  for (const [key, value] of Object.entries(settings)) setPath(config, key.split('.'), value);
  const toml = `# Rendered by the harness for this run from ${template ?? '(no template)'} with: ${JSON.stringify(settings)}\n${stringify(config)}\n`;
  writeFileAtomic(outFile, toml);
  return { toml, config };
}
