/**
 * Pure: one-shot notification facts -> neutral RichText. The notify service decides what
 * happened and when; the words live here. Image, tag and PR title are placed in text/code/link
 * nodes, never concatenated into markup.
 */
import { formatAge } from '../core/clock.js';
import { rt, type RichText } from '../core/richtext.js';
import { bashbrewArchOf } from '../catalog/arch.js';
import type { HubTag } from '../hub/types.js';
import type { PrDetail } from '../prs/types.js';

/** Whether the asker hears it on asking (it happened before) or from the check that saw it happen. */
export type NotifyMoment = 'already' | 'now';

/** What a notification waits for, as its owner reads it: "python:3.14.2 is published". */
export function describeNotification(n: { readonly kind: 'tag' | 'pr'; readonly image: string | null; readonly tag: string | null; readonly pr_number: number | null }): string {
  return n.kind === 'tag' ? `${n.image}:${n.tag} is published` : `PR #${n.pr_number} is merged or closed`;
}

function hubUrl(image: string, tag: string): string {
  return `https://hub.docker.com/_/${encodeURIComponent(image)}/tags?name=${encodeURIComponent(tag)}`;
}

function archList(tag: HubTag): string[] {
  return [...new Set(tag.images.map((i) => bashbrewArchOf(i) ?? i.architecture))];
}

/** "python:3.14.2 is now published on Docker Hub (amd64, arm64v8), pushed 3m ago" plus digest and link. */
export function renderTagPublished(image: string, tag: string, hub: HubTag, moment: NotifyMoment, now: number): RichText {
  const verb = moment === 'already' ? 'is already published' : 'is now published';
  const arches = archList(hub);
  const pushed = hub.tagLastPushed ?? hub.lastUpdated;
  return rt.of(
    rt.line(rt.bold(`${image}:${tag}`), ` ${verb} on Docker Hub`, arches.length ? ` (${arches.join(', ')})` : '', pushed !== undefined ? `, pushed ${formatAge(now - pushed)} ago` : ''),
    rt.line(...(hub.digest ? ['digest ', rt.code(hub.digest), ' '] : []), rt.link(hubUrl(image, tag))),
  );
}

/** "PR #123 was just merged (2m ago): <title>" plus the link; for a PR that is no longer open. */
export function renderPrSettled(pr: PrDetail, moment: NotifyMoment, now: number): RichText {
  const verb = moment === 'already' ? 'is already' : 'was just';
  const what = pr.state === 'MERGED' ? 'merged' : 'closed without merging';
  const at = pr.state === 'MERGED' ? pr.mergedAt : pr.closedAt;
  return rt.of(
    rt.line(rt.bold(`PR #${pr.number}`), ` ${verb} ${what}${at !== undefined ? ` (${formatAge(now - at)} ago)` : ''}: `, pr.title.slice(0, 200)),
    rt.line(rt.link(pr.url)),
  );
}

/** The private message a fired notification sends: its news, then which notification it was. */
export function renderNotificationMessage(body: RichText, id: number, askedAgoMs: number): RichText {
  return { lines: [...body.lines, [rt.text(`(notification #${id}, asked ${formatAge(askedAgoMs)} ago; one-shot, now done)`)]] };
}

/** The outbox rule a fired notification is filed under (what `why` shows). */
export function notificationRule(id: number, identity: string, description: string): string {
  return `one-shot notification #${id} requested by ${identity}: ${description}`;
}
