/** Markup that is already safe to put in a page: escaped text, or trusted output such as our SVG. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate; `null`, `undefined` and `false` render as nothing. */
export type HtmlPart = SafeHtml | string | number | null | undefined | false | readonly HtmlPart[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Escape text for element content and quoted attribute values alike.
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

// Mark a string as trusted markup; only for markup this module family generated itself.
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function renderPart(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(renderPart).join('');
  return escapeHtml(String(part));
}

// Tagged template that escapes every interpolated value unless it is SafeHtml (so results' strings never become markup).
export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += renderPart(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}
