import { HarnessError } from '../errors/harness-error.ts';
// `{{ name }}` placeholders in commands, env and paths.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Longest string a template may expand to: settings that name each other could double per level. */
export const MAX_TEMPLATE_OUTPUT = 64 * 1024;

/** A placeholder that names no known variable. */
export class UnknownTemplateVariable extends HarnessError {
  readonly failureKind = 'config' as const;
  override readonly name = 'UnknownTemplateVariable';
  constructor(
    readonly variable: string,
    readonly text: string,
  ) {
    super(`unknown template variable \`{{${variable}}}\` in "${text}"`);
    this.name = 'UnknownTemplateVariable';
  }
}

/** A `{{` that does not open a well-formed `{{ name }}`, or an expansion beyond MAX_TEMPLATE_OUTPUT. */
export class MalformedTemplate extends HarnessError {
  readonly failureKind = 'config' as const;
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'MalformedTemplate';
  }
}

const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 120)}…` : text);

// Every `{{` must open a well-formed placeholder: `{{ }}` and `{{ports.kv}` are mistakes, not text.
export function checkTemplateSyntax(text: string): void {
  let from = 0;
  for (;;) {
    const at = text.indexOf('{{', from);
    if (at === -1) return;
    const m = new RegExp(PLACEHOLDER.source, 'y');
    m.lastIndex = at;
    const found = m.exec(text);
    if (!found) {
      throw new MalformedTemplate(`malformed template at column ${at + 1} of "${clip(text)}": write {{name}} with a variable name between double braces`, text);
    }
    from = at + found[0].length;
  }
}

// Replace every placeholder with its value; unknown names throw, never render as empty.
export function renderTemplate(text: string, vars: ReadonlyMap<string, string>): string {
  if (!text.includes('{{')) return text;
  checkTemplateSyntax(text);
  let length = text.length;
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new UnknownTemplateVariable(name, text);
    length += value.length - whole.length;
    if (length > MAX_TEMPLATE_OUTPUT) throw new MalformedTemplate(`"${clip(text)}" expands to more than ${MAX_TEMPLATE_OUTPUT} characters`, text);
    return value;
  });
  return out;
}
