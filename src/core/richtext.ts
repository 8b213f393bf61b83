/**
 * A tiny platform-neutral markup. Commands and renderers build it; each adapter renders it and
 * owns all escaping for its platform. Text inside is always treated as untrusted.
 */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bold'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | {
      readonly kind: 'link';
      readonly url: string;
      readonly label?: string;
      /**
       * The same destination with less in it (a prefilled new-issue link with the title only),
       * for platforms whose lines cannot hold `url` whole.
       */
      readonly shorter?: string;
    };

export type Line = readonly Inline[];

/**
 * A choice offered to the reader. Slack renders a button; text platforms say which command to
 * type. Either way the outcome is the same command through the dispatcher.
 */
export interface Action {
  readonly label: string;
  readonly command: string;
  readonly style?: 'primary' | 'danger';
}

export interface RichText {
  readonly lines: readonly Line[];
  readonly actions?: readonly Action[];
  /**
   * Where the whole answer can be read (the Docker Hub tags page, the manifest), for platforms
   * that show only its start (an IRC channel: two lines, then a count and this link).
   */
  readonly wholeAnswerUrl?: string;
  /** A page of an earlier answer (`more`): sent as it is, never cut again. */
  readonly isPage?: boolean;
}

export type InlineInput = Inline | string;

const toInline = (part: InlineInput): Inline =>
  typeof part === 'string' ? { kind: 'text', text: part } : part;

export const rt = {
  text: (text: string): Inline => ({ kind: 'text', text }),
  bold: (text: string): Inline => ({ kind: 'bold', text }),
  code: (text: string): Inline => ({ kind: 'code', text }),
  link: (url: string, label?: string, shorter?: string): Inline => ({
    kind: 'link',
    url,
    ...(label === undefined ? {} : { label }),
    ...(shorter === undefined ? {} : { shorter }),
  }),
  line: (...parts: InlineInput[]): Line => parts.map(toInline),
  /** One message, each argument one line. */
  of: (...lines: (Line | string)[]): RichText => ({
    lines: lines.map((l) => (typeof l === 'string' ? [toInline(l)] : l)),
  }),
  concat: (...texts: RichText[]): RichText => {
    const actions = texts.flatMap((t) => t.actions ?? []);
    return actions.length ? { lines: texts.flatMap((t) => t.lines), actions } : { lines: texts.flatMap((t) => t.lines) };
  },
  withActions: (body: RichText, actions: readonly Action[]): RichText => ({ ...body, actions }),
};

/** Plain text, no markup: what the console shows and what fallbacks are built from. */
export function toPlainText(body: RichText): string {
  return body.lines.map(lineToPlain).join('\n');
}

export function lineToPlain(line: Line): string {
  return plainLine(line, (text) => text, (url, label) => (label ? `${label} <${url}>` : url));
}

/**
 * A line without markup, each platform writing text and links its own way: `text` gets every
 * text, bold and code piece, `link` a URL with its label (undefined when it only repeats the URL).
 */
export function plainLine(line: Line, text: (s: string) => string, link: (url: string, label: string | undefined) => string): string {
  return line.map((p) => (p.kind === 'link' ? link(p.url, p.label && p.label !== p.url ? p.label : undefined) : text(p.text))).join('');
}

/** "a, b, c and 12 more" with a cap, for long lists in chat. */
export function capList(items: readonly string[], max: number, sep = ', '): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)} and ${items.length - max} more`;
}
