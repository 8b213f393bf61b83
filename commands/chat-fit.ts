/**
 * Keeping an answer within its line budget: a list shortened to what fits, so a channel answer
 * stays at two IRC lines and no link is ever split across lines. Measured in UTF-8 bytes of the
 * plain text, which is at most what an adapter sends (IRC: about 400 bytes per line).
 */
import { lineToPlain, type Line } from '../src/core/richtext.js';

/** Bytes of plain text one chat line may take; below IRC's room for a long channel name. */
export const LINE_BUDGET = 350;

export function lineBytes(line: Line): number {
  return Buffer.byteLength(lineToPlain(line), 'utf8');
}

/**
 * As many of `items` as fit after `head` within `budget` bytes, with "and N more" (N counted
 * from `total`) when some are left out; at least the head.
 */
export function fitList(head: string, items: readonly string[], total: number, budget = LINE_BUDGET, sep = '; '): string {
  let text = head;
  let shown = 0;
  for (const item of items) {
    const candidate = `${text}${shown ? sep : ''}${item}`;
    const rest = total - shown - 1;
    const tail = rest > 0 ? `${sep}and ${rest} more` : '';
    if (Buffer.byteLength(candidate + tail, 'utf8') > budget) break;
    text = candidate;
    shown++;
  }
  const left = total - shown;
  return left > 0 ? `${text}${shown ? sep : ''}and ${left} more` : text;
}
