/**
 * The wording of the `tag` and `arches` answers (also used by free-form questions): the key
 * fact (what a tag is built from, or where it is published) in line 1, the rest in line 2, both
 * fitted to one IRC message each (catalog-fit.ts).
 */
import { ARCHITECTURES, type BashbrewArch } from '../src/catalog/arch.js';
import { dockerfileUrl, type Catalog, type ImageInfo, type TagInfo } from '../src/catalog/catalog.js';
import { archValue, type ManifestEntry } from '../src/catalog/manifest.js';
import { rt, type Inline, type Line, type RichText } from '../src/core/richtext.js';
import type { CommandContext } from '../src/dispatch/command.js';
import { archReport, age, hubImageText, pushedAt, shortDigest, type ArchReport, type HubResult } from './catalog-common.js';
import { LINE_BYTES, bytes, fitList, hubTagsUrl, imageNotes, lineBytes, manifestUrl, withNotes } from './catalog-fit.js';

/** What one entry is built from, for the architecture its Dockerfile link is for. */
export interface EntryBuild {
  /** amd64 when the entry has it, else its first architecture (as the docs' links do). */
  readonly arch: BashbrewArch | undefined;
  readonly commit: string;
  readonly directory: string;
  readonly kind: 'Dockerfile' | 'OCI index';
  readonly url: string | undefined;
  /** Distinct GitCommits over the entry's architectures (per-architecture overrides). */
  readonly commits: number;
}

export function entryBuild(entry: ManifestEntry): EntryBuild {
  const arch = entry.architectures.includes('amd64') ? 'amd64' : entry.architectures[0];
  const value = (field: 'GitCommit' | 'Directory' | 'Builder') => (arch ? archValue(entry, arch, field) : field === 'GitCommit' ? entry.gitCommit : field === 'Directory' ? entry.directory : entry.builder);
  return {
    arch,
    commit: value('GitCommit'),
    directory: value('Directory'),
    kind: value('Builder') === 'oci-import' ? 'OCI index' : 'Dockerfile',
    url: dockerfileUrl(entry),
    commits: new Set(entry.architectures.map((a) => archValue(entry, a, 'GitCommit'))).size,
  };
}

const short = (commit: string) => commit.slice(0, 7);

/** The whole `tag` answer: two lines; where a cut one continues: the manifest for a shared tag, else the tag on Docker Hub. */
export function tagReply(ctx: CommandContext, catalog: Catalog, image: ImageInfo, info: TagInfo, hub: HubResult): RichText {
  const answer = tagLines(ctx, catalog, image, info, hub);
  return { ...answer, wholeAnswerUrl: info.shared ? manifestUrl(info.image) : hubTagsUrl(info.image, info.tag) };
}

function tagLines(ctx: CommandContext, catalog: Catalog, image: ImageInfo, info: TagInfo, hub: HubResult): RichText {
  const notes = [hubSummary(ctx, hub, info), ...imageNotes(ctx, catalog, image)];
  if (info.shared) return { lines: [sharedTagLine(info), withNotes([rt.text(`Architectures: ${fitList(info.architectures, 120)}.`)], notes)] };
  const entry = info.entries[0]!;
  const build = entryBuild(entry);
  const ref = `${info.image}:${info.tag}`;
  const archList = fitList(info.architectures, 100);
  const first: Inline[] = [rt.bold(ref), rt.text(': ')];
  const target = build.url ? rt.link(build.url, build.kind) : rt.text(`${build.kind} in ${build.directory}`);
  if (build.commits > 1) {
    first.push(rt.text(`${build.arch} at ${short(build.commit)}, `), target, rt.text(`; ${info.architectures.length} architectures, ${build.commits} commits: ${archList}.`));
  } else {
    first.push(build.url ? rt.link(build.url, `${build.kind} at ${short(build.commit)}`) : rt.text(`${build.kind} at ${short(build.commit)} in ${build.directory}`));
    first.push(rt.text(`; ${archList}.`));
  }
  // A shared tag that also covers other entries (python:3 spans Linux and Windows) is not the
  // same image as this tag; one that covers only this entry is.
  const sharedElsewhere = entry.sharedTags.filter((t) => (catalog.tag(info.image, t)?.entries.length ?? 0) > 1);
  const same = [...entry.tags, ...entry.sharedTags.filter((t) => !sharedElsewhere.includes(t))].filter((t) => t !== info.tag);
  const fixed = [...notes].join(' ');
  const room = Math.max(60, LINE_BYTES - bytes(fixed) - 60);
  const names: string[] = [];
  if (same.length) names.push(`Same image as ${fitList(same, sharedElsewhere.length ? (room * 2) / 3 : room)}.`);
  if (sharedElsewhere.length) names.push(`Part of shared ${fitList(sharedElsewhere, room / 3)} (with other entries).`);
  return { lines: [first, withNotes([], [...names, ...notes])] };
}

/** "golang:1.27-windowsservercore is a shared tag over 2 entries: <tag>: <commit> <dir>; ..." */
function sharedTagLine(info: TagInfo): Line {
  const ref = `${info.image}:${info.tag}`;
  const head = ` is a shared tag over ${info.entries.length} ${info.entries.length === 1 ? 'entry' : 'entries'}: `;
  const parts = info.entries.map((e) => {
    const b = entryBuild(e);
    return `${e.tags[0] ?? '?'} at ${short(b.commit)} ${b.directory}${b.commits > 1 ? ` (${b.arch}; ${b.commits} commits)` : ''}`;
  });
  const link = manifestUrl(info.image);
  const all = parts.join('; ');
  const line: Inline[] = [rt.bold(ref), rt.text(head)];
  if (bytes(ref) + bytes(head) + bytes(all) + 1 <= LINE_BYTES) return [...line, rt.text(`${all}.`)];
  const room = LINE_BYTES - bytes(ref) - bytes(head) - bytes(link) - 20;
  const shown: string[] = [];
  let used = 0;
  for (const p of parts) {
    if (shown.length && used + bytes(p) + 2 > room) break;
    shown.push(p);
    used += bytes(p) + 2;
  }
  return [...line, rt.text(`${shown.join('; ')} and ${parts.length - shown.length} more: `), rt.link(link)];
}

/** The Docker Hub part of a `tag` answer, one sentence. */
export function hubSummary(ctx: CommandContext, hub: HubResult, info: TagInfo): string {
  switch (hub.kind) {
    case 'missing':
      return `Docker Hub: unknown (${hub.why}); the rest is from the manifest.`;
    case 'absent':
      return 'Not on Docker Hub yet: in the manifest but not published.';
    case 'found': {
      const r = archReport(info, hub.tag);
      const when = pushedAt(hub.tag);
      const pushed = when ? `, pushed ${age(ctx, when)} (${new Date(when).toISOString().slice(0, 10)})` : '';
      const waiting = r.pending.length ? ` (waiting for ${fitList(r.pending, 70)})` : '';
      return `Docker Hub: ${shortDigest(hub.tag.digest)}${pushed}, ${r.published.length} of ${info.architectures.length} architectures published${waiting}.`;
    }
  }
}

/** Architectures worth naming as "not supported": the image builds them for this tag's OS. */
function relevantUnsupported(image: ImageInfo, info: TagInfo, r: ArchReport): BashbrewArch[] {
  const systems = new Set(info.architectures.map((a) => ARCHITECTURES[a].os));
  return r.unsupported.filter((a) => image.architectures.includes(a) && systems.has(ARCHITECTURES[a].os));
}

/** The full `arches` answer; `focus` puts a yes/no about one architecture first. The tag's Hub page has every platform. */
export function archesReply(ctx: CommandContext, catalog: Catalog, info: TagInfo, hub: HubResult, focus?: BashbrewArch): RichText {
  return { ...archesLines(ctx, catalog, info, hub, focus), wholeAnswerUrl: hubTagsUrl(info.image, info.tag) };
}

function archesLines(ctx: CommandContext, catalog: Catalog, info: TagInfo, hub: HubResult, focus?: BashbrewArch): RichText {
  const image = catalog.image(info.image)!;
  const ref = `${info.image}:${info.tag}`;
  const r = archReport(info, hub.kind === 'found' ? hub.tag : undefined);
  const notes = imageNotes(ctx, catalog, image);
  const unsupported = [...relevantUnsupported(image, info, r), ...r.extra.map((p) => p.arch)];
  if (hub.kind === 'missing') {
    const supports = `${ref} supports ${fitList(info.architectures, 150)} (per the manifest)`;
    const missing = `Docker Hub data missing (${hub.why}), so which of these are published is unknown.`;
    if (focus) return { lines: [focusLine(ctx, ref, focus, r, hub), withNotes([rt.text(`${supports}. ${missing}`)], notes)] };
    return { lines: [[rt.bold(ref), rt.text(` supports ${fitList(info.architectures, 250)} (per the manifest).`)], withNotes([rt.text(missing)], notes)] };
  }
  const rest: string[] = [];
  if (r.pending.length) rest.push(`Supported, not yet published: ${fitList(r.pending, 100)}.`);
  if (r.extra.length) rest.push(`On Hub but no longer in the manifest: ${fitList(r.extra.map((p) => p.arch), 60)}.`);
  if (unsupported.length) rest.push(`Not supported: ${fitList(unsupported, 100)}.`);
  let first: Line;
  if (focus) {
    first = focusLine(ctx, ref, focus, r, hub);
    if (r.published.length) rest.unshift(`Published: ${fitList(r.published.map((p) => p.arch), 100)}.`);
  } else if (hub.kind === 'absent') {
    first = [rt.bold(ref), rt.text(' is not on Docker Hub yet: nothing is published for it.')];
  } else {
    const count = r.pending.length ? `${r.published.length} of ${info.architectures.length}` : `all ${r.published.length}`;
    const head: Inline[] = [rt.bold(ref), rt.text(` is published for ${count} architectures: `)];
    first = [...head, rt.text(fitList(r.published.map((p) => `${p.arch} (${hubImageText(ctx, p.image)})`), LINE_BYTES - lineBytes(head)))];
  }
  return { lines: [first, withNotes([], [...rest, ...notes])].filter((l) => l.length) };
}

function focusLine(ctx: CommandContext, ref: string, arch: BashbrewArch, r: ArchReport, hub: HubResult): Line {
  const published = r.published.find((p) => p.arch === arch);
  if (published) return rt.line(rt.bold('Yes'), `: ${ref} is published for ${arch} (${hubImageText(ctx, published.image)}).`);
  if (r.unsupported.includes(arch) || r.extra.some((p) => p.arch === arch)) return rt.line(rt.bold('No'), `: ${ref} is not built for ${arch}.`);
  if (hub.kind === 'missing') return rt.line(rt.bold('Yes'), `, per the manifest ${ref} is built for ${arch} (Docker Hub data missing, so not confirmed as published).`);
  return rt.line(rt.bold('Not yet'), `: ${ref} supports ${arch}, but it is not published on Docker Hub yet.`);
}
