import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { defineCommand, type CommandContext } from '../src/dispatch/command.js';
import type { PrLookup } from '../src/services.js';
import { prNumberIn } from '../src/prs/pure.js';
import { imageNameArg, optionalWord } from './args.js';
import { oneLine, renderPr, renderPrs, renderQueue } from './pr-render.js';

export function prsOf(ctx: CommandContext): PrLookup {
  const prs = ctx.services.prs;
  if (!prs) throw new UserError('prs.unavailable', 'Pull request lookups are not available in this setup.');
  return prs;
}

/** "12345", "#12345" or the PR's URL -> 12345. */
export function parsePrRef(text: string, repo: string): number | undefined {
  const t = text.trim();
  if (/^\d{1,7}$/.test(t)) return Number(t);
  return prNumberIn(t, repo);
}

export const pr = defineCommand({
  name: 'pr',
  summary: 'One official-images pull request: state, images, labels, reviews, checks, mergeability',
  usage: 'pr <number | #number | PR URL>',
  access: 'anyone',
  args: z.tuple([z.string().max(300)]),
  async run(ctx, [ref]) {
    const prs = prsOf(ctx);
    const number = parsePrRef(ref, prs.repo);
    if (number === undefined || number < 1) {
      throw new UserError('pr.bad-ref', `"${oneLine(ref, 60)}" is not a PR number or a ${prs.repo} PR link. Usage: pr <number>`);
    }
    const detail = await prs.get(number);
    if (!detail) throw new UserError('pr.unknown', `There is no PR #${number} in ${prs.repo}.`);
    return renderPr(detail, ctx.clock.now());
  },
});

export const prsCommand = defineCommand({
  name: 'prs',
  summary: 'Open official-images pull requests, optionally for one image, newest activity first',
  usage: 'prs [image]',
  access: 'anyone',
  args: optionalWord,
  async run(ctx, [name]) {
    const prs = prsOf(ctx);
    const image = name === undefined ? undefined : imageNameArg(name, 'prs', 'prs [image]');
    return renderPrs(await prs.open(image), image, prs.repo, ctx.clock.now());
  },
});

export const queue = defineCommand({
  name: 'queue',
  summary: 'What waits on maintainers: PRs with green checks and no review (oldest first), and failing PRs',
  usage: 'queue',
  access: 'anyone',
  args: z.tuple([]),
  async run(ctx) {
    const prs = prsOf(ctx);
    return renderQueue(await prs.queue(), prs.repo, ctx.clock.now());
  },
});
