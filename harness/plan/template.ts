// `{{ name }}` placeholders in commands, env and paths.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** A placeholder that names no known variable. */
export class UnknownTemplateVariable extends Error {
  override readonly name = 'UnknownTemplateVariable';
  constructor(
    readonly variable: string,
    readonly text: string,
  ) {
    super(`unknown template variable \`{{${variable}}}\` in "${text}"`);
  }
}

// Replace every placeholder with its value; unknown names throw, never render as empty.
export function renderTemplate(text: string, vars: ReadonlyMap<string, string>): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new UnknownTemplateVariable(name, text);
    return value;
  });
}
