import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { globLimitProblem } from '../src/core/glob.js';
import { rt } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { TAG_FILTERS, type TagFilter } from '../src/understand/types.js';
import { catalogOf, echo, requireImage } from './catalog-common.js';
import { LINE_BYTES, bytes, fitList, hubTagsUrl, imageNotes, manifestUrl, noTagsReason, tagsMatchingUrl, withNotes } from './catalog-fit.js';
import { variantTagsReply } from './tags-variant.js';

const USAGE = 'tags <name> [glob]';

export const tags = defineCommand({
  name: 'tags',
  summary: 'The tags of an image, optionally only those matching a glob (tags node *-alpine) or containing a word (tags node alpine)',
  usage: USAGE,
  access: 'anyone',
  args: z.array(z.string().min(1)),
  async run(ctx, words) {
    const [name, ...rest] = words;
    if (name === undefined) throw new UserError('command.usage', `Which image? Usage: ${USAGE}, for example "tags python" or "tags node *-alpine".`);
    if (rest.length > 1) throw new UserError('command.usage', `Too many arguments. Usage: ${USAGE}, for example "tags node *-alpine".`);
    const catalog = await catalogOf(ctx);
    const info = requireImage(catalog, name.replace(/:.*$/, ''));
    const notes = imageNotes(ctx, catalog, info);
    const filter = rest[0];
    // A plain word filters rather than naming one tag exactly: "tags nginx alpine" means the alpine tags.
    const word = filter?.toLowerCase();
    if (word !== undefined && isVariantWord(word) && info.entries.length) return variantTagsReply(ctx, info.name, word);
    const glob = filter === undefined || /[*?]/.test(filter) ? filter : `*${filter}*`;
    if (!info.entries.length) {
      return { lines: [[rt.bold(info.name), rt.text(` has 0 tags: ${noTagsReason(info)}.`)], withNotes([], notes.filter((n) => !n.startsWith('Manifest problem')))], wholeAnswerUrl: manifestUrl(info.name) };
    }
    if (glob === undefined) {
      const head = `${info.name} has ${info.tags.length} tags: `;
      const first = [rt.bold(info.name), rt.text(` has ${info.tags.length} tags: ${fitList(info.tags, LINE_BYTES - bytes(head))}.`)];
      const shared = info.sharedTags.length ? [`Shared tags (multi-platform, several entries): ${fitList(info.sharedTags, 140)}.`] : [];
      return { lines: [first, withNotes([rt.text('All tags: '), rt.link(hubTagsUrl(info.name)), rt.text('.')], [...shared, ...notes])], wholeAnswerUrl: hubTagsUrl(info.name) };
    }
    const tooBig = globLimitProblem(glob);
    if (tooBig) throw new UserError('tags.glob', `That glob ${tooBig}.`);
    const matches = catalog.matchTags(info.name, glob);
    if (!matches.length) {
      throw new UserError('catalog.no-match', `No ${info.name} tag matches "${echo(glob)}" (${info.tags.length} tags; globs use * and ?, e.g. "3.*-slim").`);
    }
    const head = `${info.name} tags matching "${echo(glob)}" (${matches.length}): `;
    const first = [rt.bold(info.name), rt.text(` tags matching "${echo(glob)}" (${matches.length}): ${fitList(matches, LINE_BYTES - bytes(head))}.`)];
    return { lines: [first, withNotes([rt.text('The manifest: '), rt.link(manifestUrl(info.name)), rt.text('.')], notes)], wholeAnswerUrl: tagsMatchingUrl(info.name, glob) };
  },
});

function isVariantWord(word: string): word is TagFilter {
  return (TAG_FILTERS as readonly string[]).includes(word.toLowerCase());
}
