/**
 * Where a feedback report goes: the docs repository, the official-images repository, or the
 * tracker an image's docs name (`feedback-route.ts` reads it from the docs; this decides).
 */
import type { Catalog, FeedbackRoute } from '../catalog/catalog.js';
import { normaliseImageName } from '../catalog/catalog.js';
import { capChars } from './neutralise.js';
import type { FeedbackKind } from './report.js';

export type Route =
  | { readonly type: 'github'; readonly repo: string; readonly why: string; readonly note?: string; readonly external?: string }
  | { readonly type: 'external'; readonly url: string; readonly trackerName: string; readonly instructions?: string }
  | { readonly type: 'none' };

const TRACKER_NAMES: Record<string, string> = {
  jira: 'Jira',
  bugzilla: 'Bugzilla',
  launchpad: 'Launchpad',
  gitlab: 'GitLab',
  phabricator: 'Phabricator',
  'bug-tracker': 'its own bug tracker',
  other: 'a tracker outside GitHub',
};

export interface FeedbackRepos {
  readonly officialImages: string;
  readonly docs: string;
}

/** The route for a report of this kind about this image (none when the docs name no tracker). */
export function routeReport(kind: FeedbackKind, image: string | undefined, catalog: Catalog, repos: FeedbackRepos): Route {
  if (kind === 'docs') return { type: 'github', repo: repos.docs, why: 'the image descriptions on Docker Hub are maintained in the docs repository' };
  if (kind === 'process') return { type: 'github', repo: repos.officialImages, why: 'the review, build and publish process and requests for new images are handled there' };
  const route = image ? catalog.routeFor(image) : undefined;
  if (!route) return { type: 'none' };
  return routeOf(route);
}

/** The bot's routing decision for an image, from the docs-derived route. */
export function routeOf(route: FeedbackRoute): Route {
  if (route.githubIssuesRepo) {
    const why = route.override ? "the image's docs (issues.md) name it as the place for issues" : "it is the image's GitHub repository in its docs (github-repo)";
    const primaryElsewhere = route.issuesUrl && route.tracker !== 'github' && !route.issuesUrl.startsWith(`https://github.com/${route.githubIssuesRepo}`);
    return {
      type: 'github',
      repo: route.githubIssuesRepo,
      why,
      ...(primaryElsewhere && route.issuesUrl ? { note: 'The maintainers list another place first (GitHub issues are accepted too):', external: route.issuesUrl } : {}),
    };
  }
  if (route.issuesUrl) {
    const trackerName = route.issuesUrl.startsWith('mailto:') ? 'a mailing list' : (TRACKER_NAMES[route.tracker ?? 'other'] ?? 'a tracker outside GitHub');
    const instructions = route.text ? capChars(markdownToPlain(route.text), 300) : undefined;
    return { type: 'external', url: route.issuesUrl, trackerName, ...(instructions ? { instructions } : {}) };
  }
  return { type: 'none' };
}

/** "[label](url)" -> "label (url)"; whitespace collapsed. For showing issues.md in chat. */
function markdownToPlain(md: string): string {
  return md
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => (label === url || !label ? url : `${label} (${url})`))
    .replace(/\s+/g, ' ')
    .trim();
}

export type ResolvedImage =
  | { readonly image: string; readonly tag: string | undefined }
  | { readonly error: 'unknown-image'; readonly suggestions: readonly string[] }
  | { readonly error: 'invalid-tag' };

/** "python:3.13" -> the catalog's image and the tag; an image the catalog has no route for is unknown. */
export function resolveImage(catalog: Catalog, typed: string): ResolvedImage {
  const at = typed.lastIndexOf(':');
  const rawImage = at > 0 && !typed.slice(at).startsWith('://') ? typed.slice(0, at) : typed;
  const rawTag = at > 0 && !typed.slice(at).startsWith('://') ? typed.slice(at + 1) : undefined;
  const image = normaliseImageName(rawImage);
  if (!image || (!catalog.image(image) && !catalog.routeFor(image))) return { error: 'unknown-image', suggestions: catalog.suggestImages(rawImage, 3) };
  if (rawTag !== undefined && !/^\w[\w.-]{0,127}$/.test(rawTag)) return { error: 'invalid-tag' };
  return { image, tag: rawTag };
}
