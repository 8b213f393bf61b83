/**
 * "When was nginx last published?": the push time from Docker Hub first, what it was built from
 * second. Without Hub data the answer says the push time is unknown rather than letting the
 * manifest's facts stand in for it.
 */
import type { Catalog, ImageInfo, TagInfo } from '../src/catalog/catalog.js';
import { rt, type Inline, type RichText } from '../src/core/richtext.js';
import type { CommandContext } from '../src/dispatch/command.js';
import { entryBuild } from './catalog-answers.js';
import { age, archReport, pushedAt, shortDigest, type HubResult } from './catalog-common.js';
import { fitList, hubTagsUrl, imageNotes, withNotes } from './catalog-fit.js';

export function lastPublishedReply(ctx: CommandContext, catalog: Catalog, image: ImageInfo, info: TagInfo, hub: HubResult): RichText {
  const ref = `${info.image}:${info.tag}`;
  const notes = imageNotes(ctx, catalog, image);
  return { lines: [pushLine(ctx, ref, info, hub), withNotes(builtFrom(info), notes)], wholeAnswerUrl: hubTagsUrl(info.image, info.tag) };
}

function pushLine(ctx: CommandContext, ref: string, info: TagInfo, hub: HubResult): Inline[] {
  switch (hub.kind) {
    case 'missing':
      return [rt.bold(ref), rt.text(`: last push unknown (${hub.why}).`)];
    case 'absent':
      return [rt.bold(ref), rt.text(' has not been published: it is in the manifest but not on Docker Hub yet.')];
    case 'found': {
      const when = pushedAt(hub.tag);
      const r = archReport(info, hub.tag);
      const pushed = when !== undefined ? ` was last pushed ${age(ctx, when)} (${new Date(when).toISOString().slice(0, 10)})` : ': Docker Hub gives no push time';
      const waiting = r.pending.length ? `; waiting for ${fitList(r.pending, 70)}` : '';
      return [rt.bold(ref), rt.text(`${pushed}: ${shortDigest(hub.tag.digest)}, ${r.published.length} of ${info.architectures.length} architectures published${waiting}.`)];
    }
  }
}

/** Where the pushed image comes from: one entry's Dockerfile, or a count for a shared tag. */
function builtFrom(info: TagInfo): Inline[] {
  if (info.shared) return [rt.text(`A shared tag over ${info.entries.length} entries (see "tag ${info.image}:${info.tag}").`)];
  const build = entryBuild(info.entries[0]!);
  const what = `Built from ${build.kind} at ${build.commit.slice(0, 7)}`;
  return build.url ? [rt.link(build.url, what), rt.text('.')] : [rt.text(`${what} in ${build.directory}.`)];
}
