import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { parseWhenQuestion, prNumberIn } from '../src/prs/pure.js';
import { pr } from './pr.js';
import { when } from './when.js';

/** A bare "#12345" or an official-images PR link, addressed to the bot: the `pr` answer. */
export const prReference: FreeformHandler = {
  name: 'pr-ref',
  async tryAnswer(ctx, text) {
    const prs = ctx.services.prs;
    if (!prs) return undefined;
    const number = prNumberIn(text, prs.repo);
    return number === undefined ? undefined : pr.invoke(ctx, [String(number)]);
  },
};

/** "when will python 3.14.1 be available?", "when is node 24.1 out": the `when` answer. */
export const whenQuestion: FreeformHandler = {
  name: 'when',
  async tryAnswer(ctx, text) {
    if (!ctx.services.prs || !ctx.services.catalog) return undefined;
    const q = parseWhenQuestion(text);
    if (!q) return undefined;
    // Only for images that exist: "when is lunch 12.30" is not ours to answer.
    const catalog = await ctx.services.catalog.get().catch(() => undefined);
    const image = catalog?.image(q.image);
    if (!image) return undefined;
    return when.invoke(ctx, [image.name, q.version]);
  },
};
