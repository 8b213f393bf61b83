/**
 * RichText -> a Slack message: Block Kit sections in mrkdwn plus the plain `text` fallback that
 * notifications and old clients show. Pure: no I/O. Escaping happens in mrkdwn.ts; this module
 * only packs the rendered lines into blocks within Slack's limits.
 */
import type { Action, RichText } from '../../src/core/richtext.js';
import { renderLine, renderLinePlain, stripInvisible } from './mrkdwn.js';

export const BLOCK_LIMITS = {
  /** Blocks per message. */
  maxBlocks: 50,
  /** Characters per section text. */
  maxSectionChars: 3000,
  /**
   * All section texts together. Slack answers msg_blocks_too_long at about 13,200 characters,
   * well below 50 x 3,000; we stay under it with room to spare.
   */
  maxTotalChars: 12_000,
  /** The `text` fallback; long enough for a notification, short enough to stay readable. */
  maxFallbackChars: 3000,
  maxButtons: 25,
  maxButtonTextChars: 75,
  maxButtonValueChars: 2000,
} as const;

export type BlockLimits = { readonly [K in keyof typeof BLOCK_LIMITS]: number };

/** action_id prefix of command buttons; a click on one runs `value` as a command. */
export const COMMAND_ACTION_PREFIX = 'doi_cmd_';

export interface MrkdwnText {
  readonly type: 'mrkdwn';
  readonly text: string;
}
export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}
export interface SectionBlock {
  readonly type: 'section';
  readonly text: MrkdwnText;
}
export interface ButtonElement {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: PlainText;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}
export interface ActionsBlock {
  readonly type: 'actions';
  readonly block_id: string;
  readonly elements: readonly ButtonElement[];
}
export interface ContextBlock {
  readonly type: 'context';
  readonly elements: readonly MrkdwnText[];
}
export type MessageBlock = SectionBlock | ActionsBlock | ContextBlock;

export interface SlackMessage {
  /** Plain fallback; Slack parses it as mrkdwn too, so it is escaped like everything else. */
  readonly text: string;
  readonly blocks: readonly MessageBlock[];
}

export const TRUNCATED_NOTE = '_... truncated_';

export function renderMessage(body: RichText, limits: BlockLimits = BLOCK_LIMITS): SlackMessage {
  const buttons = renderButtons(body.actions ?? [], limits);
  const pieces = body.lines.flatMap((line) => splitSafely(renderLine(line), limits.maxSectionChars));
  const sections = packSections(pieces, limits.maxSectionChars);

  const blockBudget = limits.maxBlocks - (buttons.length ? 1 : 0);
  const kept: string[] = [];
  let total = 0;
  let truncated = false;
  for (const section of sections) {
    // Leave room for the truncation note (one block, a few characters) whenever more follows.
    const isLast = kept.length === sections.length - 1;
    const blocksLeft = blockBudget - kept.length - (isLast ? 0 : 1);
    if (blocksLeft < 1 || total + section.length > limits.maxTotalChars - (isLast ? 0 : TRUNCATED_NOTE.length)) {
      truncated = true;
      break;
    }
    kept.push(section);
    total += section.length;
  }

  const blocks: MessageBlock[] = kept.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  if (truncated) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: TRUNCATED_NOTE }] });
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'doi_actions', elements: buttons });

  const plain = body.lines.map(renderLinePlain).join('\n');
  const fallback = plain.length > limits.maxFallbackChars ? `${splitSafely(plain, limits.maxFallbackChars - 4)[0] ?? ''} ...` : plain;
  return { text: fallback.trim() ? fallback : ' ', blocks };
}

function renderButtons(actions: readonly Action[], limits: BlockLimits): ButtonElement[] {
  return actions
    // A command cut short would run something else; a button we cannot carry is left out.
    .filter((a) => a.command.length > 0 && a.command.length <= limits.maxButtonValueChars)
    .slice(0, limits.maxButtons)
    .map((a, i) => ({
      type: 'button' as const,
      action_id: `${COMMAND_ACTION_PREFIX}${i}`,
      // plain_text is shown verbatim (never parsed for mentions), so it needs no escaping.
      text: { type: 'plain_text' as const, text: truncateChars(oneLine(a.label) || a.command, limits.maxButtonTextChars), emoji: false },
      value: a.command,
      ...(a.style ? { style: a.style } : {}),
    }));
}

function oneLine(s: string): string {
  return stripInvisible(s).replace(/\s+/g, ' ').trim();
}

function truncateChars(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}\u2026`;
}

/** Joins lines into section texts of at most `max` characters. */
function packSections(pieces: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const piece of pieces) {
    if (current === undefined) current = piece;
    else if (current.length + 1 + piece.length <= max) current += `\n${piece}`;
    else {
      out.push(current);
      current = piece;
    }
  }
  if (current !== undefined) out.push(current);
  // Section text must be at least one character that is not only whitespace.
  return out.filter((s) => s.trim().length > 0);
}

/**
 * Splits rendered mrkdwn into pieces of at most `max` characters without cutting through an
 * entity (&amp;), a <url|label> link or a surrogate pair, so that a cut can never turn escaped
 * text back into markup.
 */
export function splitSafely(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    const open = rest.lastIndexOf('<', cut - 1);
    const close = open === -1 ? -1 : rest.indexOf('>', open);
    if (open !== -1 && (close === -1 || close >= cut)) {
      if (open > 0) cut = open;
      else {
        // A link longer than a whole piece cannot stay a link: show it as inert text instead.
        const end = close === -1 ? 1 : close + 1;
        rest = `${inertLink(rest.slice(0, end))}${rest.slice(end)}`;
        continue;
      }
    }
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp > 0 && amp > cut - 6 && !rest.slice(amp, cut).includes(';')) cut = amp;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

/** <href|label> -> "label (href)", <href> -> "href": the same information without markup. */
function inertLink(token: string): string {
  if (token === '<') return '&lt;';
  const inner = token.slice(1, -1);
  const bar = inner.indexOf('|');
  return bar === -1 ? inner : `${inner.slice(bar + 1)} (${inner.slice(0, bar)})`;
}
