/**
 * What the catalog commands (image, tags, tag, arches, search) and the catalog free-form
 * handler share: finding the image and tag the user meant, asking Docker Hub with a bounded
 * wait, and the wording of answers.
 */
import { ARCHITECTURES, bashbrewArchOf, type BashbrewArch } from '../src/catalog/arch.js';
import { dockerfileUrl, normaliseImageName, splitImageRef, type Catalog, type ImageInfo, type TagInfo } from '../src/catalog/catalog.js';
import { formatAge } from '../src/core/clock.js';
import { UpstreamError, UserError } from '../src/core/errors.js';
import { capList, rt, type Line, type RichText } from '../src/core/richtext.js';
import type { CommandContext } from '../src/dispatch/command.js';
import type { HubImage, HubTag } from '../src/hub/types.js';

/** The longest Docker Hub wait a chat answer accepts; after it we answer from the manifests. */
export const HUB_WAIT_MS = 4000;
const ECHO_MAX = 60;

/** User text shown back in an answer: one line, bounded. */
export function echo(text: string): string {
  const one = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return one.length > ECHO_MAX ? `${one.slice(0, ECHO_MAX)}…` : one;
}

export async function catalogOf(ctx: CommandContext): Promise<Catalog> {
  const lookup = ctx.services.catalog;
  if (!lookup) throw new UserError('catalog.unavailable', 'The image catalog is not available in this setup.');
  return lookup.get();
}

/** The image the user named, or a UserError with "did you mean". */
export function requireImage(catalog: Catalog, name: string): ImageInfo {
  const image = catalog.image(name);
  if (image) return image;
  const hints = catalog.suggestImages(name);
  const shown = echo(name);
  if (hints.length) throw new UserError('catalog.unknown-image', `No official image "${shown}". Did you mean ${orList(hints)}?`);
  throw new UserError('catalog.unknown-image', `No official image "${shown}". Try "search ${shown}" to look for one.`);
}

/** "python:3.13", "python 3.13", "library/python:3.13" -> image and tag (tag may be absent). */
export function refFromWords(words: readonly string[]): { image: string; tag: string | undefined } {
  const [first = '', second] = words;
  const { image, tag } = splitImageRef(first);
  return { image, tag: tag ?? second };
}

export type HubResult =
  | { readonly kind: 'found'; readonly tag: HubTag }
  | { readonly kind: 'absent' }
  | { readonly kind: 'missing'; readonly why: string };

/**
 * Hub's view of image:tag. Never throws: an unreachable, slow or unconfigured Hub becomes
 * `missing`, and the answer then comes from the manifests alone.
 */
export async function hubTag(ctx: CommandContext, image: string, tag: string): Promise<HubResult> {
  const hub = ctx.services.hub;
  if (!hub) return { kind: 'missing', why: 'Docker Hub is not configured' };
  const stop = new AbortController();
  try {
    const answer = await Promise.race([hub.getTag(image, tag), ctx.clock.sleep(HUB_WAIT_MS, stop.signal).then(() => 'slow' as const)]);
    if (answer === 'slow') return { kind: 'missing', why: 'Docker Hub did not answer in time' };
    return answer ? { kind: 'found', tag: answer } : { kind: 'absent' };
  } catch (err) {
    // An unreachable Hub is expected now and then: one line, no stack; anything else is a bug.
    if (err instanceof UpstreamError) ctx.log.warn({ image, tag, code: err.code, error: err.message }, 'Docker Hub lookup failed; answering from the manifests');
    else ctx.log.error({ err, image, tag }, 'Docker Hub lookup failed unexpectedly; answering from the manifests');
    return { kind: 'missing', why: 'Docker Hub is unreachable' };
  } finally {
    stop.abort();
  }
}

/** The Tag (or SharedTag) the user asked for, or a UserError naming close tags. */
export async function requireTag(ctx: CommandContext, catalog: Catalog, image: ImageInfo, tagText: string | undefined, usage: string): Promise<TagInfo> {
  if (tagText === undefined || tagText === '') {
    throw new UserError('catalog.no-tag', `Which tag of ${image.name}? Usage: ${usage} (for example ${image.name}:${image.tags[0] ?? 'latest'}).`);
  }
  const info = catalog.tag(image.name, tagText);
  if (info) return info;
  const shown = echo(tagText);
  const hints = catalog.suggestTags(image.name, tagText);
  const hint = hints.length ? ` Did you mean ${orList(hints.map((h) => `${image.name}:${h}`))}?` : ` See "tags ${image.name}".`;
  // A tag that left the manifest may still be on Hub: say so rather than "no such tag".
  if (/^\w[\w.-]{0,127}$/.test(tagText)) {
    const hub = await hubTag(ctx, image.name, tagText);
    if (hub.kind === 'found') {
      const pushed = pushedAt(hub.tag);
      throw new UserError(
        'catalog.unmaintained-tag',
        `${image.name}:${shown} is not in the current manifest, so it is no longer maintained or updated; Docker Hub still serves it${pushed ? ` (last pushed ${age(ctx, pushed)})` : ''}.${hint}`,
      );
    }
  }
  throw new UserError('catalog.unknown-tag', `${image.name} has no tag "${shown}".${hint}`);
}

export function pushedAt(tag: HubTag): number | undefined {
  return tag.tagLastPushed ?? tag.lastUpdated;
}

export function age(ctx: CommandContext, at: number): string {
  return `${formatAge(Math.max(0, ctx.clock.now() - at))} ago`;
}

/** "sha256:0123456789ab" */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return 'no digest';
  const [algo, hex] = digest.split(':');
  return hex ? `${algo}:${hex.slice(0, 12)}` : digest.slice(0, 19);
}

export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** The tag line of `tag`: what it is, what else it is called, and where it is built from. */
export function describeTag(info: TagInfo): Line[] {
  const ref = `${info.image}:${info.tag}`;
  const lines: Line[] = [];
  if (info.shared) {
    lines.push(
      rt.line(
        rt.bold(ref),
        ` is a shared tag: one multi-platform name for ${info.entries.length} ${info.entries.length === 1 ? 'entry' : 'entries'} (${capList(info.entries.map((e) => e.tags[0] ?? '?'), 6)}).`,
      ),
    );
  } else {
    const entry = info.entries[0]!;
    const others = [...entry.tags, ...entry.sharedTags].filter((t) => t !== info.tag);
    lines.push(rt.line(rt.bold(ref), others.length ? ` is the same image as ${capList(others.map((t) => `${info.image}:${t}`), 8)}.` : '.'));
  }
  lines.push(rt.line(`Architectures: ${info.architectures.join(', ')}.`));
  const entry = info.entries[0]!;
  const url = dockerfileUrl(entry);
  if (url && !info.shared) {
    lines.push(rt.line('Built from ', rt.link(url, `${entry.builder === 'oci-import' ? 'OCI index' : 'Dockerfile'} at ${entry.gitCommit.slice(0, 7)}`), '.'));
  }
  return lines;
}

/** Per-architecture publish state, from the manifest and (when it answered) Docker Hub. */
export interface ArchReport {
  readonly published: { arch: BashbrewArch; image: HubImage }[];
  readonly pending: BashbrewArch[];
  readonly unsupported: BashbrewArch[];
  /** On Hub but no longer in the manifest. */
  readonly extra: { arch: BashbrewArch; image: HubImage }[];
}

export function archReport(info: TagInfo, hub: HubTag | undefined): ArchReport {
  const onHub = new Map<BashbrewArch, HubImage>();
  for (const image of hub?.images ?? []) {
    const arch = bashbrewArchOf(image);
    // Several Windows images can share an arch (one per OS version): the newest speaks for it.
    if (arch && (!onHub.has(arch) || (image.lastPushed ?? 0) > (onHub.get(arch)!.lastPushed ?? 0))) onHub.set(arch, image);
  }
  const supported = new Set(info.architectures);
  const report: ArchReport = { published: [], pending: [], unsupported: [], extra: [] };
  for (const arch of Object.keys(ARCHITECTURES) as BashbrewArch[]) {
    const image = onHub.get(arch);
    if (supported.has(arch)) {
      if (image) report.published.push({ arch, image });
      else report.pending.push(arch);
    } else if (image) report.extra.push({ arch, image });
    else report.unsupported.push(arch);
  }
  return report;
}

export function hubImageText(ctx: CommandContext, image: HubImage): string {
  return `${shortDigest(image.digest)}${image.lastPushed ? `, ${age(ctx, image.lastPushed)}` : ''}`;
}

/** The full `arches` answer; `focus` puts a yes/no about one architecture first. */
export function archesReply(ctx: CommandContext, info: TagInfo, hub: HubResult, focus?: BashbrewArch): RichText {
  const ref = `${info.image}:${info.tag}`;
  const found = hub.kind === 'found' ? hub.tag : undefined;
  const r = archReport(info, found);
  const lines: Line[] = [];
  if (focus) lines.push(focusLine(ctx, ref, focus, r, hub));
  if (hub.kind === 'missing') {
    lines.push(rt.line(rt.bold(ref), ` supports ${info.architectures.join(', ')} (per the manifest).`));
    lines.push(rt.line(`Docker Hub data missing (${hub.why}), so which of these are published is unknown.`));
  } else {
    if (hub.kind === 'absent') lines.push(rt.line(rt.bold(ref), ' is not on Docker Hub yet: nothing is published for it.'));
    if (r.published.length) {
      lines.push(rt.line(rt.bold('Published'), ': ', capList(r.published.map((p) => `${p.arch} (${hubImageText(ctx, p.image)})`), 11)));
    }
    if (r.pending.length) lines.push(rt.line(rt.bold('Supported, not yet published'), `: ${r.pending.join(', ')}`));
    if (r.extra.length) lines.push(rt.line(rt.bold('On Hub but no longer in the manifest'), `: ${r.extra.map((p) => p.arch).join(', ')}`));
  }
  if (r.unsupported.length || r.extra.length) {
    lines.push(rt.line(rt.bold('Not supported'), `: ${[...r.unsupported, ...r.extra.map((p) => p.arch)].join(', ')}`));
  }
  return { lines };
}

function focusLine(ctx: CommandContext, ref: string, arch: BashbrewArch, r: ArchReport, hub: HubResult): Line {
  const published = r.published.find((p) => p.arch === arch);
  if (published) return rt.line(rt.bold('Yes'), `: ${ref} is published for ${arch} (${hubImageText(ctx, published.image)}).`);
  if (r.unsupported.includes(arch) || r.extra.some((p) => p.arch === arch)) {
    return rt.line(rt.bold('No'), `: ${ref} is not built for ${arch}.`);
  }
  if (hub.kind === 'missing') return rt.line(rt.bold('Yes'), `, per the manifest ${ref} is built for ${arch} (Docker Hub data missing, so not confirmed as published).`);
  return rt.line(rt.bold('Not yet'), `: ${ref} supports ${arch}, but it is not published on Docker Hub yet.`);
}

/** The `tag` answer's Hub line. */
export function hubLine(ctx: CommandContext, ref: string, hub: HubResult, info: TagInfo): Line {
  switch (hub.kind) {
    case 'missing':
      return rt.line(`Docker Hub data missing (${hub.why}); the answer above is from the manifest.`);
    case 'absent':
      return rt.line(`Not on Docker Hub yet: ${ref} is in the manifest but has not been published.`);
    case 'found': {
      const r = archReport(info, hub.tag);
      const when = pushedAt(hub.tag);
      return rt.line(
        'Docker Hub: ',
        rt.code(shortDigest(hub.tag.digest)),
        when ? `, last pushed ${age(ctx, when)} (${new Date(when).toISOString().slice(0, 10)})` : '',
        `, ${r.published.length} of ${info.architectures.length} architectures published`,
        r.pending.length ? ` (waiting for ${r.pending.join(', ')})` : '',
        '.',
      );
    }
  }
}

export { normaliseImageName };
