import { rt } from '../src/core/richtext.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { catalogOf, requireImage } from './catalog-common.js';
import { help } from './help.js';

/**
 * Questions the bot answers with what it knows of its limits and of where things go: CVEs
 * (it does not scan; the FAQ says why scanners disagree), how to report a problem, help.
 */
export const topicQuestions: FreeformHandler = {
  name: 'topic',
  async tryAnswer(ctx, text, u) {
    switch (u.intent) {
      case 'cve':
        return cveAnswer(ctx, text, u.image, u.tag);
      case 'feedback-howto':
        return feedbackHowto(ctx, u.image);
      case 'help':
        return help.invoke(ctx, []);
      default:
        return undefined;
    }
  },
};

function cveAnswer(ctx: CommandContext, text: string, image: string | undefined, tag: string | undefined): Reply {
  const subject = image ? `${image}${tag ? `:${tag}` : ''}` : 'an image';
  const canned = ctx.services.knownAnswers?.match(text);
  return rt.of(
    rt.line(`I don't track CVEs, so I can't say whether ${subject} is affected.`, canned ? ` ${canned.answer}` : ''),
    canned ? rt.line(rt.link(canned.link)) : rt.line(`"tag ${image ?? '<image>'}:<tag>" shows when a tag was last rebuilt.`),
  );
}

async function feedbackHowto(ctx: CommandContext, imageName: string | undefined): Promise<Reply> {
  if (imageName === undefined || !ctx.services.catalog) {
    return rt.of(
      rt.line('Type ', rt.code('feedback <image> <what is wrong>'), ': I say where it goes (the image\'s own tracker) and can file it for you after you confirm.'),
    );
  }
  const image = requireImage(await catalogOf(ctx), imageName);
  const route = (await catalogOf(ctx)).routeFor(image.name);
  const where = route?.issuesUrl ?? route?.githubRepoUrl;
  return rt.of(
    where ? rt.line(`Problems with ${image.name} go to `, rt.link(where), '.') : rt.line(`The ${image.name} docs name no issue tracker.`),
    rt.line('Or type ', rt.code(`feedback ${image.name} <what is wrong>`), ' and I file it there after you confirm.'),
  );
}
