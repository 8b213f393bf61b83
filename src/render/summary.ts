/**
 * Pure: the messages the outbox worker builds from queued rows (a daily digest, the catch-up
 * after an outage) and the mark on a late one. The worker decides what to fold and when; the
 * words live here.
 */
import { formatAge } from '../core/clock.js';
import { rt, type Line, type RichText } from '../core/richtext.js';

/** A digest or catch-up shows this many of its updates, then a count of the rest. */
const SUMMARY_LINES = 8;

/** One message standing for many: a digest or the catch-up after an outage. */
export function renderSummary(heading: string, lines: readonly Line[], maxLines: number): RichText {
  const shown = lines.slice(0, maxLines);
  const rest = lines.length - shown.length;
  return rt.of(rt.line(rt.bold(heading)), ...shown, ...(rest > 0 ? [rt.line(`... and ${rest} more`)] : []));
}

/** Marks a line that is delivered late, so nobody mistakes old news for new. */
export function markDelayed(line: RichText, ageText: string): RichText {
  return { ...line, lines: line.lines.map((l, i) => (i === 0 ? [rt.text(`[delayed ${ageText}] `), ...l] : l)) };
}

/** The line a row is sent as: marked delayed when it is older than `delayedAfterMs`. */
export function lineToSend(line: RichText, ageMs: number, delayedAfterMs: number): RichText {
  return ageMs > delayedAfterMs ? markDelayed(line, formatAge(ageMs)) : line;
}

/** Many delayed rows of one channel as one message; `spanMs` is the age of the oldest. */
export function renderCatchUp(lines: readonly Line[], spanMs: number): RichText {
  return renderSummary(`Catch-up: ${lines.length} updates from the last ${formatAge(spanMs)} while announcements were delayed`, lines, SUMMARY_LINES);
}

/** The rule a catch-up row is filed under (what `why` shows). */
export function catchUpRule(count: number, firstRule: string): string {
  return `catch-up summary of ${count} delayed announcements (first: ${firstRule})`;
}

/** One subscription's held rows of one UTC day (`YYYY-MM-DD`) as one message. */
export function renderDigest(day: string, lines: readonly Line[]): RichText {
  return renderSummary(`Daily digest ${day}: ${lines.length} update${lines.length === 1 ? '' : 's'}`, lines, SUMMARY_LINES);
}
