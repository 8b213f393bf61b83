/**
 * The answer about a tag that is not in the manifest: when the bot saw it leave, whether Docker
 * Hub still serves it, and which tags of the same line are maintained now. A tag that left is
 * explained, never answered with "did you mean" alone.
 */
import type { Catalog, ImageInfo } from '../src/catalog/catalog.js';
import { compareParts, parseVersionedTag, sameLineTags } from '../src/catalog/versions.js';
import type { CommandContext } from '../src/dispatch/command.js';
import { age, echo, hubTag, orList, pushedAt } from './catalog-common.js';
import { fitList } from './catalog-fit.js';

const TAG = /^\w[\w.-]{0,127}$/;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function goneTagText(ctx: CommandContext, catalog: Catalog, image: ImageInfo, tagText: string): Promise<{ code: string; text: string }> {
  const shown = echo(tagText);
  const ref = `${image.name}:${shown}`;
  const current = [...image.tags, ...image.sharedTags];
  const successors = TAG.test(tagText) ? sameLineTags(current, tagText) : [];
  const maintained = successors.length ? ` Maintained now: ${fitList(successors, 80)}.` : '';
  const hints = catalog.suggestTags(image.name, tagText).filter((t) => !successors.slice(0, 3).includes(t));
  const didYouMean = hints.length && !successors.length ? ` Did you mean ${orList(hints.slice(0, 3).map((h) => `${image.name}:${h}`))}?` : '';
  if (!TAG.test(tagText)) return { code: 'catalog.unknown-tag', text: `${image.name} has no tag "${shown}".${didYouMean || ` See "tags ${image.name}".`}` };

  const asked = parseVersionedTag(tagText);
  const newest = successors[0] !== undefined ? parseVersionedTag(successors[0]) : undefined;
  if (asked && newest && compareParts(asked.parts, newest.parts) > 0) {
    return { code: 'catalog.unknown-tag', text: `${image.name} has no tag "${shown}" yet: the newest of that line in the manifest is ${image.name}:${successors[0]}.` };
  }
  const presence = ctx.services.catalog?.tagPresence?.(image.name, tagText);
  const hub = await hubTag(ctx, image.name, tagText);
  const left = presence?.leftAt !== undefined ? ` It left the manifest on ${day(presence.leftAt)} (seen since ${day(presence.firstSeen)}).` : '';
  if (hub.kind === 'found') {
    const pushed = pushedAt(hub.tag);
    return {
      code: 'catalog.unmaintained-tag',
      text: `${ref} is no longer maintained: it is not in the current manifest, so it gets no updates, though Docker Hub still serves it${pushed ? ` (last pushed ${age(ctx, pushed)})` : ''}.${left}${maintained}`,
    };
  }
  if (left) {
    const onHub = hub.kind === 'absent' ? ' Docker Hub no longer has it.' : ` ${hub.why}, so whether it is still pullable is unknown.`;
    return { code: 'catalog.unmaintained-tag', text: `${ref} is no longer maintained.${left}${onHub}${maintained}` };
  }
  if (hub.kind === 'absent') {
    return { code: 'catalog.unknown-tag', text: `${image.name} has no tag "${shown}": it is neither in the manifest nor on Docker Hub.${maintained}${didYouMean || (maintained ? '' : ` See "tags ${image.name}".`)}` };
  }
  return {
    code: 'catalog.unknown-tag',
    text: `${ref} is not in the current manifest: if it existed, it is no longer maintained (still pullable if published, but not updated; ${hub.why}, so I cannot check).${maintained}${didYouMean}`,
  };
}
