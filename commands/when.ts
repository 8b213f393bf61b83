import { z } from 'zod';
import { splitImageRef } from '../src/catalog/catalog.js';
import { UserError } from '../src/core/errors.js';
import { defineCommand } from '../src/dispatch/command.js';
import { normaliseVersion, parseWhenQuestion } from '../src/prs/pure.js';
import { imageNameArg } from './args.js';
import { prsOf } from './pr.js';
import { oneLine } from './pr-render.js';
import { renderWhen } from './when-render.js';

const USAGE = 'when <image> <version> (for example: when python 3.14.2)';

export const when = defineCommand({
  name: 'when',
  summary: 'Where a new version is on its way: source repo, official-images PR, Docker Hub per architecture, with an estimate',
  usage: USAGE,
  access: 'anyone',
  // More than two words: a question typed after the command word ("when will python 3.14.1 be out?").
  args: z.array(z.string().max(200)).min(1).max(30),
  timeoutMs: 20_000,
  async run(ctx, words) {
    let ref: { image: string; tag: string | undefined };
    if (words.length <= 2) ref = words.length === 1 ? splitImageRef(words[0]!) : { image: words[0]!, tag: words[1] };
    else {
      // "when was nginx last published?" asks about the past: a usage error lets the free-form
      // handlers answer it.
      const q = /^(was|did|has)\b/i.test(ctx.argsText) ? undefined : parseWhenQuestion(`when ${ctx.argsText}`);
      if (!q) throw new UserError('when.usage', `I did not find an image and a version in that. Usage: ${USAGE}`);
      ref = { image: q.image, tag: q.version };
    }
    const image = imageNameArg(ref.image, 'when', USAGE);
    if (ref.tag === undefined) throw new UserError('when.no-version', `Which version of ${image}? Usage: ${USAGE}`);
    const version = normaliseVersion(ref.tag);
    if (!version) throw new UserError('when.bad-version', `"${oneLine(ref.tag, 60)}" does not look like a version number. Usage: ${USAGE}`);
    const prs = prsOf(ctx);
    return renderWhen(await prs.when(image, version), prs.repo, ctx.clock.now());
  },
});
