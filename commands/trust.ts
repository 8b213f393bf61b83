import type { TagInfo } from '../src/catalog/catalog.js';
import { UpstreamError, UserError } from '../src/core/errors.js';
import { rt, type Inline, type Line, type RichText } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { dctBrief, type DctFacts } from '../src/knowledge/dct.js';
import type { TrustReport } from '../src/registry/types.js';
import { imageRefWords } from './args.js';
import { catalogOf } from './catalog-common.js';
import { requireTagRef } from './catalog-tag.js';

const USAGE = 'trust <image>[:tag]';

export const trust = defineCommand({
  name: 'trust',
  aliases: ['sbom', 'provenance'],
  summary: 'Is a tag signed, which platforms carry an SBOM and provenance, how to inspect them and pin the digest',
  usage: USAGE,
  access: 'anyone',
  args: imageRefWords,
  // A cold answer is a HEAD, an index GET and one GET per platform's attestation manifest.
  timeoutMs: 20_000,
  async run(ctx, words) {
    const lookup = ctx.services.trust;
    const dct = ctx.services.knowledge?.dct;
    if (!lookup || !dct) throw new UserError('trust.unavailable', 'Registry lookups are not available in this setup.');
    // No tag means latest, and an image without one gets asked which tag (requireTag).
    const { info } = await requireTagRef(ctx, await catalogOf(ctx), words, USAGE);
    let report;
    try {
      report = await lookup.lookup(info.image, info.tag);
    } catch (err) {
      if (!(err instanceof UpstreamError && err.userMessage)) throw err;
      // Without the registry the bot still knows where signing stands and how to look yourself.
      ctx.log.warn({ image: info.image, tag: info.tag, code: err.code, error: err.message }, 'registry lookup failed; answering without it');
      return renderTrustWithoutRegistry(`${info.image}:${info.tag}`, err.userMessage, dct, ctx.clock.now());
    }
    if (!report) throw new UserError('trust.not-on-hub', `Docker Hub has no ${info.image}:${info.tag} (not published yet?).`);
    return renderTrust(report, info, dct, ctx.clock.now());
  },
});

/**
 * "is python:3.13 signed?", "does node:22 have an SBOM?", "how do I verify nginx?": the classifier
 * (src/understand/topics.ts) recognises the topic; a question naming no image is not ours.
 */
export const trustQuestion: FreeformHandler = {
  name: 'trust',
  async tryAnswer(ctx, _text, u) {
    if (!ctx.services.trust || u.intent !== 'trust' || u.image === undefined) return undefined;
    return trust.invoke(ctx, [u.tag ? `${u.image}:${u.tag}` : u.image]);
  },
};

/**
 * Two lines, key fact first: signed or not (with where DCT stands), which platforms carry an
 * SBOM and provenance; then how to inspect them and the digest to pin.
 */
export function renderTrust(report: TrustReport, info: TagInfo, dct: DctFacts, now: number): RichText {
  const ref = `${report.image}:${report.tag}`;
  const kinds = attestedKinds(report);
  const pin: Inline[] = [rt.text('pin: '), rt.code(`${ref}@${report.digest}`)];
  return rt.of(signingLine(ref, attestationSummary(report, info), dct, now), kinds.length ? [...inspectParts(ref, kinds), rt.text('; '), ...pin] : pin);
}

/**
 * The registry did not answer (unreachable, refused, rate-limited): what the bot knows without
 * it, signing and DCT, and the command to read the attestations yourself.
 */
export function renderTrustWithoutRegistry(ref: string, why: string, dct: DctFacts, now: number): RichText {
  return rt.of(signingLine(ref, `SBOM and provenance unknown (${why})`, dct, now), [...inspectParts(ref, ['SBOM', 'Provenance'], 'inspect it yourself: '), rt.text('; digest to pin unknown')]);
}

function signingLine(ref: string, attestations: string, dct: DctFacts, now: number): Line {
  return rt.line(rt.bold(ref), `: not signed; ${attestations}. ${dctBrief(dct, now)}; no cosign or Notation signatures yet.`);
}

function inspectParts(ref: string, kinds: readonly ('SBOM' | 'Provenance')[], label = 'inspect: '): Inline[] {
  return [rt.text(label), rt.code(`docker buildx imagetools inspect ${ref} --format '{{ json .${kinds[0]} }}'`), ...(kinds.length > 1 ? [rt.text(` (or .${kinds[1]})`)] : [])];
}

function attestedKinds(report: TrustReport): ('SBOM' | 'Provenance')[] {
  const platforms = report.platforms ?? [];
  const out: ('SBOM' | 'Provenance')[] = [];
  if (platforms.some((p) => p.sbom)) out.push('SBOM');
  if (platforms.some((p) => p.provenance)) out.push('Provenance');
  return out;
}

/** "SBOM+provenance on 8/8 platforms", "SBOM on 3/3, provenance on 0/3 platforms (...)". */
export function attestationSummary(report: TrustReport, info: TagInfo): string {
  if (report.single) return 'a single-platform manifest with no SBOM or provenance attached';
  const platforms = report.platforms;
  if (!platforms) return `SBOM and provenance unknown: ${report.unknown ?? 'Docker Hub did not say'}`;
  const n = platforms.length;
  const of = (count: number) => `${count}/${n}`;
  const unknown = platforms.filter((p) => p.sbom === undefined).length;
  const sbom = platforms.filter((p) => p.sbom).length;
  const provenance = platforms.filter((p) => p.provenance).length;
  const builders = new Set(info.entries.map((e) => e.builder));
  const windowsOnly = platforms.length > 0 && platforms.every((p) => p.platform.startsWith('windows/'));

  let text: string;
  if (sbom === 0 && provenance === 0 && unknown === 0) {
    text = `no SBOM or provenance on ${n === 1 ? 'its platform' : `any of its ${n} platforms`}`;
    if (windowsOnly) text += ' (Windows images are built with the classic builder, which attaches none)';
  } else if (unknown < n) {
    const together = platforms.every((p) => p.sbom === undefined || p.sbom === p.provenance);
    text = together ? `SBOM+provenance on ${of(sbom)} platforms` : `SBOM on ${of(sbom)}, provenance on ${of(provenance)} platforms`;
    if (provenance === 0 && sbom > 0 && builders.size === 1 && builders.has('oci-import')) text += ' (imported rootfs builds carry no provenance)';
    const bare = countBy(platforms.filter((p) => p.sbom === false && p.provenance === false).map((p) => p.platform));
    if (bare.size > 0 && bare.size <= 3) text += `; none on ${[...bare].map(([name, count]) => (count > 1 ? `${name} x${count}` : name)).join(', ')}`;
  } else {
    text = `SBOM and provenance unknown on ${n === 1 ? 'its platform' : `all ${n} platforms`}`;
  }
  if (unknown > 0 && unknown < n) text += `; ${unknown} unknown`;
  if (unknown > 0) text += ` (${report.unknown ?? 'not fetched'})`;
  return text;
}

/** Windows platforms repeat (one per OS version): name each once, with a count. */
function countBy(names: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
