import type { TagInfo } from '../src/catalog/catalog.js';
import { UserError } from '../src/core/errors.js';
import { capList, rt } from '../src/core/richtext.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import { hubSummary } from './catalog-answers.js';
import { catalogOf, hubTag, requireImage } from './catalog-common.js';
import { hubTagsUrl } from './catalog-fit.js';

const VERSION_TAG = /^v?\d+(?:\.\d+)*$/;

/**
 * "what's the latest node?": the version `latest` stands for, its other names, and Hub's push.
 * With a variant ("the latest node alpine") the variant's own floating tag (`node:alpine`).
 */
export async function latestVersionReply(ctx: CommandContext, imageName: string, variant?: string): Promise<Reply> {
  const catalog = await catalogOf(ctx);
  const image = requireImage(catalog, imageName);
  const floating = variant !== undefined && catalog.tag(image.name, variant) ? variant : 'latest';
  const info = catalog.tag(image.name, floating);
  if (!info) {
    throw new UserError('catalog.no-latest', `${image.name} has no latest tag, so there is no single newest version; its tags start with ${capList(image.tags, 6)}.`);
  }
  const ref = `${image.name}:${floating}`;
  const version = versionOf(info);
  const entry = info.entries[0]!;
  // Plain names first: "node:26, node:26.7, node:current" say more than "node:26.7-trixie".
  const others = (info.shared ? entry.sharedTags : entry.tags)
    .filter((t) => t !== floating && !t.startsWith(`${version}-`) && t !== version)
    .sort((a, b) => rank(a) - rank(b));
  const hub = await hubTag(ctx, image.name, floating);
  const answer = rt.of(
    rt.line(
      rt.bold(ref),
      version ? ` is ${image.name} ${version}` : ' carries no version number in its tags',
      others.length ? ` (also ${capList(others.map((t) => `${image.name}:${t}`), 5)}).` : '.',
    ),
    rt.line(hubSummary(ctx, hub, info)),
  );
  return { ...answer, wholeAnswerUrl: hubTagsUrl(image.name, floating) };
}

function rank(tag: string): number {
  return VERSION_TAG.test(tag) ? 0 : tag.includes('-') ? 2 : 1;
}

/** The most precise version-number tag of the entry behind a tag: 26.7.0 over 26.7 and 26. */
function versionOf(info: TagInfo): string | undefined {
  // A shared latest (Linux and Windows entries) carries its version as shared tags too.
  const entry = info.entries[0]!;
  const names = info.shared ? entry.sharedTags : entry.tags;
  const versions = names.filter((t) => VERSION_TAG.test(t));
  // A variant's entry names versions with its suffix: 26.7.0-alpine.
  if (!versions.length && !VERSION_TAG.test(info.tag)) {
    const suffix = `-${info.tag}`;
    return names.filter((t) => t.endsWith(suffix) && VERSION_TAG.test(t.slice(0, -suffix.length))).map((t) => t.slice(0, -suffix.length)).sort(byPrecision)[0];
  }
  return versions.sort(byPrecision)[0];
}

function byPrecision(a: string, b: string): number {
  return b.split('.').length - a.split('.').length || b.length - a.length;
}
