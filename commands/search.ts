import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { capList, rt, type Line } from '../src/core/richtext.js';
import { defineCatalogCommand, echo, orList } from './catalog-common.js';
import { hubSearchUrl } from './catalog-fit.js';

const WITH_DESCRIPTION = 4;

export const search = defineCatalogCommand({
  name: 'search',
  summary: 'Find official images by name or description',
  usage: 'search <text>',
  args: z.array(z.string()).min(1),
  async run(ctx, _words, catalog) {
    const text = ctx.argsText.replace(/^["']|["']$/g, '').trim();
    const results = catalog.search(text, 100);
    if (!results.length) {
      const hints = catalog.suggestImages(text);
      throw new UserError('catalog.search-empty', `No official image matches "${echo(text)}".${hints.length ? ` Did you mean ${orList(hints)}?` : ''}`);
    }
    const lines: Line[] = [rt.line(`${results.length} ${results.length === 1 ? 'image matches' : 'images match'} "${echo(text)}":`)];
    for (const r of results.slice(0, WITH_DESCRIPTION)) {
      lines.push(rt.line(rt.bold(r.image.name), r.image.description ? `: ${r.image.description}` : ''));
    }
    const rest = results.slice(WITH_DESCRIPTION).map((r) => r.image.name);
    if (rest.length) lines.push(rt.line(`Also: ${capList(rest, 15)}.`));
    return { lines, wholeAnswerUrl: hubSearchUrl(text) };
  },
});
