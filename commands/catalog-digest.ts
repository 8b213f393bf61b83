/**
 * `tag python@sha256:...`: which tags carry a digest, as an index (multi-platform) digest or as
 * one architecture's image, from Docker Hub's tag listing.
 */
import { bashbrewArchOf } from '../src/catalog/arch.js';
import type { Catalog, ImageInfo } from '../src/catalog/catalog.js';
import { UpstreamError, UserError } from '../src/core/errors.js';
import { rt, type RichText } from '../src/core/richtext.js';
import type { CommandContext } from '../src/dispatch/command.js';
import type { HubTag } from '../src/hub/types.js';
import { shortDigest } from './catalog-common.js';
import { fitList, hubTagsUrl, imageNotes, withNotes } from './catalog-fit.js';

/** Which tags carry a digest needs Hub's tag list (several pages): worth a longer wait than a tag's facts. */
const DIGEST_HUB_WAIT_MS = 8000;

/** Hub pages (100 tags each) searched for a digest: the most recently updated tags first. */
const DIGEST_PAGES = 10;
const DIGEST_REF = /^(.+)@sha256:([0-9a-f]{12,64})$/i;

/**
 * "python@sha256:<hex>" (a 12+ digit prefix is enough) -> image and digest; undefined for a word
 * without "@". A malformed digest is a clear UserError, never a lookup of "python@sha256".
 */
export function splitDigestRef(word: string): { image: string; digest: string } | undefined {
  const m = DIGEST_REF.exec(word.trim());
  if (m) return { image: m[1]!, digest: `sha256:${m[2]!.toLowerCase()}` };
  if (!word.includes('@')) return undefined;
  throw new UserError('catalog.bad-digest', `"${word.trim().slice(0, 80)}" has no valid digest: a digest is sha256: followed by 64 hex digits (the first 12 or more are enough).`);
}

export async function digestReply(ctx: CommandContext, catalog: Catalog, image: ImageInfo, digest: string): Promise<RichText> {
  const ref = `${image.name}@${shortDigest(digest)}`;
  // By name, so the answer does not depend on which of two tags Hub updated a moment later.
  const tags = [...(await listTags(ctx, image.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const notes = imageNotes(ctx, catalog, image);
  const matches = (d: string | undefined) => d !== undefined && d.toLowerCase().startsWith(digest);
  const asIndex = tags.filter((t) => matches(t.digest)).map((t) => t.name);
  const perArch = new Map<string, string[]>();
  for (const t of tags) {
    for (const img of t.images) {
      if (!matches(img.digest)) continue;
      const arch = bashbrewArchOf(img) ?? `${img.os}/${img.architecture}`;
      perArch.set(arch, [...(perArch.get(arch) ?? []), t.name]);
    }
  }
  if (!asIndex.length && !perArch.size) {
    return {
      lines: [
        [rt.bold(ref), rt.text(`: no tag among the ${tags.length} most recently updated ${image.name} tags on Docker Hub carries this digest; it may be an older build, since tags move to a new digest at every rebuild.`)],
        withNotes([rt.text('All tags: '), rt.link(hubTagsUrl(image.name)), rt.text('.')], notes),
      ],
      wholeAnswerUrl: hubTagsUrl(image.name),
    };
  }
  const parts: string[] = [];
  if (asIndex.length) parts.push(`the multi-platform index of ${fitList(asIndex.map((t) => `${image.name}:${t}`), 200)}`);
  for (const [arch, names] of perArch) parts.push(`the ${arch} image of ${fitList(names.map((t) => `${image.name}:${t}`), 120)}`);
  return { lines: [[rt.bold(ref), rt.text(` is ${fitList(parts, 300)} (per Docker Hub).`)], withNotes([], [`Try "tag ${image.name}:${asIndex[0] ?? perArch.values().next().value?.[0] ?? 'latest'}".`, ...notes])], wholeAnswerUrl: hubTagsUrl(image.name) };
}

async function listTags(ctx: CommandContext, image: string): Promise<readonly HubTag[]> {
  const hub = ctx.services.hub;
  if (!hub) throw new UserError('catalog.digest-no-hub', 'Docker Hub is not configured, so I cannot tell which tags carry a digest.');
  const stop = new AbortController();
  try {
    const answer = await Promise.race([hub.listTags(image, { maxPages: DIGEST_PAGES }), ctx.clock.sleep(DIGEST_HUB_WAIT_MS, stop.signal).then(() => 'slow' as const)]);
    if (answer === 'slow') throw new UserError('catalog.digest-hub-slow', 'Docker Hub did not answer in time, so which tags carry that digest is unknown; try again in a minute.');
    return answer;
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (err instanceof UpstreamError) ctx.log.warn({ image, code: err.code, error: err.message }, 'Docker Hub tag listing failed');
    else ctx.log.error({ err, image }, 'Docker Hub tag listing failed unexpectedly');
    throw new UserError('catalog.digest-hub-down', 'Docker Hub is unreachable, so which tags carry that digest is unknown; try again later.');
  } finally {
    stop.abort();
  }
}
