/**
 * What the catalog commands (image, tags, tag, arches, search) and the catalog free-form
 * handler share: finding the image the user meant (the tag: catalog-tag.ts), asking Docker Hub with a bounded
 * wait, and the wording of answers.
 */
import { ARCHITECTURES, bashbrewArchOf, type BashbrewArch } from '../src/catalog/arch.js';
import { normaliseImageName, splitImageRef, type Catalog, type ImageInfo, type TagInfo } from '../src/catalog/catalog.js';
import { formatAge } from '../src/core/clock.js';
import { UpstreamError, UserError } from '../src/core/errors.js';
import { defineCommand, type CommandContext, type CommandDef, type CommandSpec, type Reply } from '../src/dispatch/command.js';
import { HUB_PENDING, HUB_WAIT_MS, type HubImage, type HubTag } from '../src/hub/types.js';

export { HUB_PENDING, HUB_WAIT_MS } from '../src/hub/types.js';
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

/** What a catalog command declares: its access is `anyone`, and it runs with the catalog in hand. */
export interface CatalogCommandSpec<A> extends Omit<CommandSpec<A>, 'access' | 'run' | 'runForm'> {
  run(ctx: CommandContext, args: A, catalog: Catalog): Promise<Reply>;
}

/**
 * A public lookup in the image catalog. The catalog is fetched before `run`, so a catalog that
 * is still loading (or absent in this setup) answers the same way for every such command.
 */
export function defineCatalogCommand<A>(spec: CatalogCommandSpec<A>): CommandDef {
  return defineCommand({ ...spec, access: 'anyone', run: async (ctx, args) => spec.run(ctx, args, await catalogOf(ctx)) });
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
    if (answer === 'slow') return { kind: 'missing', why: HUB_PENDING };
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

export { normaliseImageName };
