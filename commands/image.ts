import { z } from 'zod';
import { deprecationSummary } from '../src/catalog/deprecation.js';
import { rt, type Inline } from '../src/core/richtext.js';
import { defineCatalogCommand, requireImage } from './catalog-common.js';
import { dataAge, fitList, hubTagsUrl, manifestProblem, manifestUrl, noTagsReason, withNotes } from './catalog-fit.js';

export const image = defineCatalogCommand({
  name: 'image',
  summary: 'What an official image is: description, tags, architectures, maintainers, where issues go',
  usage: 'image <name>',
  args: z.tuple([z.string().min(1)]),
  async run(ctx, [name], catalog) {
    const info = requireImage(catalog, name);
    const route = catalog.routeFor(info.name);
    const problem = manifestProblem(info);
    const description = info.description ? `: ${info.description}${/[.!?]$/.test(info.description) ? '' : '.'}` : '.';
    // A deprecated image's key fact is that it is deprecated, and what to use instead.
    const deprecated = info.deprecation === undefined ? '' : info.deprecationAlternatives.length ? ` (deprecated; use ${fitList(info.deprecationAlternatives, 90)})` : ' (deprecated)';
    const first: Inline[] = [rt.bold(info.name), rt.text(`${deprecated}${description}`)];
    if (info.entries.length) {
      first.push(
        rt.text(
          ` ${info.tags.length} tags in ${info.entries.length} ${info.entries.length === 1 ? 'entry' : 'entries'}` +
            (info.sharedTags.length ? ` plus ${info.sharedTags.length} shared` : '') +
            `; ${fitList(info.architectures, 120)}. `,
        ),
        rt.link(hubTagsUrl(info.name)),
      );
    } else {
      first.push(rt.text(` No tags: ${noTagsReason(info)}.`));
    }
    const second: Inline[] = [];
    const who = info.maintainers.map((m) => `@${m.handle}`);
    if (who.length) second.push(rt.text(`Maintainers: ${fitList(who, 60)}.`));
    if (route?.issuesUrl) second.push(rt.text(`${second.length ? ' ' : ''}Issues: `), rt.link(route.issuesUrl), rt.text('.'));
    else if (route?.githubRepoUrl) second.push(rt.text(`${second.length ? ' ' : ''}Repo: `), rt.link(route.githubRepoUrl), rt.text('.'));
    const notes: string[] = [];
    if (info.deprecation !== undefined) notes.push(deprecationSummary(info));
    if (problem && info.entries.length) notes.push(`${problem}.`);
    const age = dataAge(ctx, catalog);
    if (age) notes.push(age);
    return { lines: [first, withNotes(second, notes)], wholeAnswerUrl: manifestUrl(info.name) };
  },
});
