/**
 * Where feedback about an image goes, derived from the docs repo the way its `update.sh`
 * renders each README's "Where to file issues" section: `<image>/issues.md` when present,
 * otherwise the default `%%GITHUB-REPO%%/issues`, with `%%GITHUB-REPO%%` replaced by the
 * content of `<image>/github-repo`. The manifest's GitRepo is never used for routing: it is
 * where the Dockerfiles live, not where the maintainers take issues.
 */

export type IssueTracker = 'github' | 'jira' | 'bugzilla' | 'launchpad' | 'gitlab' | 'phabricator' | 'bug-tracker' | 'other';

export interface FeedbackRoute {
  readonly image: string;
  /** `owner/name` from docs `github-repo`, when it is a GitHub URL. */
  readonly repo: string | null;
  /** The raw docs `github-repo` value. */
  readonly githubRepoUrl: string | null;
  /** True when the image has its own docs `issues.md`. */
  readonly override: boolean;
  /** The rendered issues.md text (Markdown, untrusted), when `override`. */
  readonly text: string | null;
  /** Where people should file issues; null when the docs name none (e.g. `scratch`). */
  readonly issuesUrl: string | null;
  readonly tracker: IssueTracker | null;
  /** `owner/name` when `issuesUrl` itself is a GitHub issues page. */
  readonly issuesRepo: string | null;
  /**
   * The GitHub repository the bot may file an issue in: the first GitHub issues link anywhere
   * in the text. null = no GitHub route; answer with `issuesUrl` and file nothing.
   */
  readonly githubIssuesRepo: string | null;
  /** Other tracker links in the text (not info pages such as wikis or support portals). */
  readonly alternateUrls: readonly string[];
}

const GITHUB_REPO_URL = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/;
const GITHUB_ISSUES_URL = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\/issues(?:[/?#]|$)/;
/** Markdown links `[label](url)` and bare URLs, in order of appearance. */
const LINK = /\[([^\]\n]{0,500})\]\(([^)\s]{1,2000})\)|((?:https?|mailto):[^\s()<>[\]]{1,2000})/g;
/** Pages that inform rather than take reports; skipped when picking the tracker. */
const INFO_LINK = /wiki|support|how ?do ?i/i;
/** A bugzilla *search* page: useful to check for duplicates, not where to file. */
const BUG_SEARCH = /buglist\.cgi/;
const MAX_TEXT = 20_000;

export function deriveFeedbackRoute(image: string, docs: Readonly<Record<string, string>> | undefined): FeedbackRoute {
  const githubRepoUrl = docs?.['github-repo']?.trim() || null;
  const repoMatch = githubRepoUrl ? GITHUB_REPO_URL.exec(githubRepoUrl) : null;
  const repo = repoMatch ? `${repoMatch[1]}/${repoMatch[2]}` : null;
  const issuesMd = docs?.['issues.md'];

  if (issuesMd === undefined) {
    const issuesUrl = githubRepoUrl ? `${githubRepoUrl}/issues` : null;
    const issuesRepo = issuesUrl ? githubIssuesRepoOf(issuesUrl) : null;
    return {
      image,
      repo,
      githubRepoUrl,
      override: false,
      text: null,
      issuesUrl,
      tracker: issuesUrl ? classifyTracker(issuesUrl) : null,
      issuesRepo,
      githubIssuesRepo: issuesRepo,
      alternateUrls: [],
    };
  }

  const text = issuesMd.slice(0, MAX_TEXT).replaceAll('%%GITHUB-REPO%%', githubRepoUrl ?? '').trim();
  const links = extractLinks(text);
  const pick =
    links.find((l) => !INFO_LINK.test(l.label + l.url) && !BUG_SEARCH.test(l.url)) ??
    links.find((l) => !BUG_SEARCH.test(l.url)) ??
    links[0];
  const issuesUrl = pick?.url ?? null;
  const githubIssues = links.find((l) => githubIssuesRepoOf(l.url));
  return {
    image,
    repo,
    githubRepoUrl,
    override: true,
    text,
    issuesUrl,
    tracker: issuesUrl ? classifyTracker(issuesUrl) : null,
    issuesRepo: issuesUrl ? githubIssuesRepoOf(issuesUrl) : null,
    githubIssuesRepo: githubIssues ? githubIssuesRepoOf(githubIssues.url) : null,
    alternateUrls: links.filter((l) => l !== pick && !INFO_LINK.test(l.label + l.url)).map((l) => l.url),
  };
}

interface Link {
  readonly label: string;
  readonly url: string;
}

function extractLinks(text: string): Link[] {
  const out: Link[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(LINK)) {
    const url = (m[2] ?? m[3] ?? '').replace(/[.,;:]+$/, '');
    if (!url || seen.has(url)) continue;
    seen.add(url);
    out.push({ label: m[1] ?? '', url });
  }
  return out;
}

function githubIssuesRepoOf(url: string): string | null {
  const m = GITHUB_ISSUES_URL.exec(url);
  return m ? `${m[1]}/${m[2]}` : null;
}

export function classifyTracker(url: string): IssueTracker {
  let host: string;
  let path: string;
  try {
    const u = new URL(url);
    host = u.hostname.toLowerCase();
    path = u.pathname.toLowerCase();
  } catch {
    return 'other';
  }
  if (host === 'github.com') return 'github';
  if (host.includes('jira') || path.startsWith('/jira/') || path.includes('/jira/')) return 'jira';
  if (host.includes('bugzilla')) return 'bugzilla';
  if (host.endsWith('launchpad.net')) return 'launchpad';
  if (host.startsWith('gitlab.') || host === 'gitlab.com') return 'gitlab';
  if (host.includes('phabricator')) return 'phabricator';
  if (host.startsWith('bugs.')) return 'bug-tracker';
  return 'other';
}
