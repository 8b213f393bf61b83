/**
 * Keeps catalog answers short: every answer is at most two chat lines, each small enough to be
 * one IRC message in a channel, and ends long lists with a count (and a link where one helps).
 * Also the notes every catalog answer carries: data age, deprecation, manifest problems.
 */
import type { Catalog, ImageInfo } from '../src/catalog/catalog.js';
import { formatAge } from '../src/core/clock.js';
import { rt, type Inline, type Line } from '../src/core/richtext.js';
import type { CommandContext } from '../src/dispatch/command.js';

/**
 * Bytes one answer line may take. An IRC channel message leaves about 400 bytes of text
 * (512 minus the relayed prefix with the longest user and host, see adapters/irc/split.ts);
 * this keeps room for a long channel name and formatting codes.
 */
export const LINE_BYTES = 360;
/** Catalog data older than this is called out in answers. */
export const STALE_DATA_MS = 3 * 86_400_000;

export const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function lineBytes(line: Line): number {
  return line.reduce((n, p) => n + bytes(p.kind === 'link' ? `${p.label ?? ''} <${p.url}>` : p.text), 0);
}

/**
 * "a, b, c and 12 more" holding as many items as fit in `maxBytes` (at least `min`, so an
 * answer never shows only a count when one item would do).
 */
export function fitList(items: readonly string[], maxBytes: number, min = 1): string {
  let used = 0;
  let shown = 0;
  for (const item of items) {
    const rest = items.length - shown - 1;
    const tail = rest > 0 ? bytes(` and ${rest} more`) : 0;
    const cost = (shown ? 2 : 0) + bytes(item);
    if (shown >= min && used + cost + tail > maxBytes) break;
    used += cost;
    shown++;
  }
  const more = items.length - shown;
  const head = items.slice(0, shown).join(', ');
  return more > 0 ? `${head} and ${more} more` : head;
}

/** The manifest of an image on GitHub: where a long list of tags or entries is complete. */
export function manifestUrl(image: string): string {
  return `https://github.com/docker-library/official-images/blob/master/library/${image}`;
}

/** Docker Hub's tags page of an image, filtered to tag names containing `name` when given. */
export function hubTagsUrl(image: string, name?: string): string {
  const page = `https://hub.docker.com/_/${image}/tags`;
  return name ? `${page}?name=${encodeURIComponent(name)}` : page;
}

/**
 * Where the whole list of tags matching `glob` is: the Hub tags page filtered by the glob's one
 * literal part ("*-alpine" -> "-alpine"), else the manifest (Hub filters by a substring only).
 */
export function tagsMatchingUrl(image: string, glob: string): string {
  const literal = /^\*?([^*?]+)\*?$/u.exec(glob)?.[1];
  return literal ? hubTagsUrl(image, literal) : manifestUrl(image);
}

/** Docker Hub's search for official images. */
export function hubSearchUrl(text: string): string {
  return `https://hub.docker.com/search?q=${encodeURIComponent(text)}&image_filter=official`;
}

/** Short notes for any answer about an image: broken manifest, deprecation, old data. */
export function imageNotes(ctx: CommandContext, catalog: Catalog, image: ImageInfo): string[] {
  const notes: string[] = [];
  const problem = manifestProblem(image);
  if (problem) notes.push(`${problem}.`);
  if (image.deprecation !== undefined) {
    notes.push(
      image.deprecationAlternatives.length
        ? `${image.name} is deprecated; alternatives: ${fitList(image.deprecationAlternatives, 90)}.`
        : `${image.name} is deprecated (see "image ${image.name}").`,
    );
  }
  const age = dataAge(ctx, catalog);
  if (age) notes.push(age);
  return notes;
}

/** "Data from 2026-08-22 (103d old)." when the catalog data is older than a few days. */
export function dataAge(ctx: CommandContext, catalog: Catalog): string | undefined {
  if (catalog.dataDate === undefined) return undefined;
  const age = ctx.clock.now() - catalog.dataDate;
  if (age < STALE_DATA_MS) return undefined;
  return `Data from ${new Date(catalog.dataDate).toISOString().slice(0, 10)} (${formatAge(age)} old).`;
}

/** "Manifest problem at library/x:12: ... (3 problems)", or undefined for a clean manifest. */
export function manifestProblem(image: ImageInfo): string | undefined {
  const first = image.errors[0];
  if (!first) return undefined;
  const where = first.line > 0 ? `${first.file}:${first.line}` : first.file;
  const count = image.errors.length > 1 ? ` (${image.errors.length} problems; entries with errors are left out)` : image.entries.length ? ' (that entry is left out)' : '';
  const detail = first.detail.length > 110 ? `${first.detail.slice(0, 110)}…` : first.detail;
  return `Manifest problem at ${where}: ${detail}${count}`;
}

/** A line of parts followed by notes, the notes cut to what still fits. */
export function withNotes(parts: readonly Inline[], notes: readonly string[]): Line {
  const line: Inline[] = [...parts];
  let used = lineBytes(line);
  for (const note of notes) {
    const text = `${used ? ' ' : ''}${note}`;
    if (used + bytes(text) > LINE_BYTES) continue;
    line.push(rt.text(text));
    used += bytes(text);
  }
  return line;
}

/** Why an image has no tags to show: a broken manifest, or one that lists none (gazebo, clefos). */
export function noTagsReason(image: ImageInfo): string {
  const problem = manifestProblem(image);
  return problem ? `none can be listed. ${problem}` : 'its manifest lists none, so none are maintained';
}
