import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { globLimitProblem } from '../src/core/glob.js';
import { capList, rt } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { catalogOf, echo, requireImage } from './catalog-common.js';

/** Enough to see the shape of an image's tags in one or two chat lines. */
const MAX_SHOWN = 40;

export const tags = defineCommand({
  name: 'tags',
  summary: 'The tags of an image, optionally only those matching a glob (tags node *-alpine)',
  usage: 'tags <name> [glob]',
  access: 'anyone',
  args: z.tuple([z.string().min(1)]).rest(z.string()),
  async run(ctx, [name, ...rest]) {
    if (rest.length > 1) throw new UserError('command.usage', 'Too many arguments. Usage: tags <name> [glob], for example "tags node *-alpine".');
    const catalog = await catalogOf(ctx);
    const info = requireImage(catalog, name.replace(/:.*$/, ''));
    const glob = rest[0];
    if (glob === undefined) {
      return rt.of(
        rt.line(rt.bold(info.name), ` has ${info.tags.length} tags: ${capList(info.tags, MAX_SHOWN)}.`),
        ...(info.sharedTags.length ? [rt.line(`Shared tags (multi-platform, several entries): ${capList(info.sharedTags, 12)}.`)] : []),
      );
    }
    const tooBig = globLimitProblem(glob);
    if (tooBig) throw new UserError('tags.glob', `That glob ${tooBig}.`);
    const matches = catalog.matchTags(info.name, glob);
    if (!matches.length) {
      throw new UserError('catalog.no-match', `No ${info.name} tag matches "${echo(glob)}" (${info.tags.length} tags; globs use * and ?, e.g. "3.*-slim").`);
    }
    return rt.of(rt.line(rt.bold(info.name), ` tags matching "${echo(glob)}" (${matches.length}): ${capList(matches, MAX_SHOWN)}.`));
  },
});
