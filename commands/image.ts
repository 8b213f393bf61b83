import { z } from 'zod';
import { capList, rt, type Inline, type Line } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { catalogOf, requireImage } from './catalog-common.js';

export const image = defineCommand({
  name: 'image',
  summary: 'What an official image is: description, tags, architectures, maintainers, where issues go',
  usage: 'image <name>',
  access: 'anyone',
  args: z.tuple([z.string().min(1)]),
  async run(ctx, [name]) {
    const catalog = await catalogOf(ctx);
    const info = requireImage(catalog, name);
    const route = catalog.routeFor(info.name);
    const lines: Line[] = [
      rt.line(rt.bold(info.name), info.description ? `: ${info.description}` : ''),
      rt.line(
        `${info.tags.length} tags in ${info.entries.length} ${info.entries.length === 1 ? 'entry' : 'entries'}`,
        info.sharedTags.length ? ` plus ${info.sharedTags.length} shared (${capList(info.sharedTags, 5)})` : '',
        `; architectures: ${info.architectures.join(', ')}.`,
      ),
    ];
    const who = info.maintainers.map((m) => `@${m.handle}`);
    const where: Inline[] = [rt.text(`Maintainers: ${capList(who, 6)}`)];
    if (route?.issuesUrl) where.push(rt.text('. Issues: '), rt.link(route.issuesUrl));
    else if (route?.githubRepoUrl) where.push(rt.text('. Repo: '), rt.link(route.githubRepoUrl));
    where.push(rt.text('.'));
    lines.push(where);
    if (info.deprecation) lines.push(rt.line(rt.bold('Deprecated'), `: ${firstSentence(info.deprecation)}`));
    lines.push(rt.line('Docs: ', rt.link(`https://hub.docker.com/_/${info.name}`), ` — try "tags ${info.name}".`));
    return { lines };
  },
});

/** The first sentence of a Markdown paragraph, without link markup, for a one-line notice. */
export function firstSentence(markdown: string): string {
  const plain = markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();
  const end = plain.search(/[.!?](\s|$)/);
  const sentence = end >= 0 ? plain.slice(0, end + 1) : plain;
  return sentence.length > 200 ? `${sentence.slice(0, 200)}…` : sentence;
}
