/**
 * Catalog files straight from GitHub: official-images `library/` and the docs repo's per-image
 * metadata. A poll costs one cheap query (tree oids of both repos); only when either changed
 * does one more query fetch everything, pinned to the commits the first query saw so the two
 * repos' files are read at a consistent point. Neither query uses a connection, so each costs
 * GitHub's minimum of 1 point.
 */
import { posix } from 'node:path';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { GitHubClient } from '../github/client.js';
import { GitHubGraphQLError } from '../github/client.js';
import { DOCS_FILES } from './dir-source.js';
import type { CatalogFiles, CatalogSource } from './source.js';

/** Image names as folder/file names in both repos; anything else is not an image. */
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** Git's mode for a symbolic link (docs `maintainer.md` often is one). */
const SYMLINK_MODE = 0o120000;
/** Where docs symlinks point (`../.common-templates/maintainer-community.md`). */
const TEMPLATES_DIR = '.common-templates';

export interface GitHubCatalogSourceOptions {
  readonly client: Pick<GitHubClient, 'query'>;
  /** "docker-library/official-images" (config.github.officialImagesRepo). */
  readonly officialImagesRepo: string;
  /** "docker-library/docs" (config.github.docsRepo). */
  readonly docsRepo: string;
  readonly log?: Logger;
  /** Points kept in reserve for interactive commands; catalog refreshes wait for the reset below it. */
  readonly minRemaining?: number;
  /** Shown by `about` (e.g. the GraphQL URL's host). */
  readonly detail?: string;
}

interface BlobWire {
  text?: string | null;
  isBinary?: boolean | null;
  isTruncated?: boolean | null;
}
interface EntryWire {
  name?: string;
  type?: string;
  mode?: number;
  object?: BlobWire | null;
}
interface RevisionAnswer {
  library: { defaultBranchRef: { target: { oid?: string; library?: { oid?: string; object?: { entries?: EntryWire[] } | null } | null } | null } | null } | null;
  docs: { defaultBranchRef: { target: { oid?: string; tree?: { oid?: string } } | null } | null } | null;
}
interface FilesAnswer {
  library: { object: { committedDate?: string; library?: { oid?: string; object?: { entries?: EntryWire[] } | null } | null } | null } | null;
  docs: { object: ({ committedDate?: string; tree?: { oid?: string }; templates?: { object?: { entries?: EntryWire[] } | null } | null } & Record<string, unknown>) | null } | null;
}

const REVISION_QUERY = `query CatalogRevision($libOwner: String!, $libName: String!, $docsOwner: String!, $docsName: String!) {
  library: repository(owner: $libOwner, name: $libName) {
    defaultBranchRef { target { ... on Commit { oid library: file(path: "library") { oid object { ... on Tree { entries { name type } } } } } } }
  }
  docs: repository(owner: $docsOwner, name: $docsName) {
    defaultBranchRef { target { ... on Commit { oid tree { oid } } } }
  }
  rateLimit { cost remaining resetAt }
}`;

export class GitHubCatalogSource implements CatalogSource {
  readonly name = 'github';
  readonly detail: string;
  readonly #o: GitHubCatalogSourceOptions;
  readonly #lib: { owner: string; name: string };
  readonly #docs: { owner: string; name: string };

  constructor(opts: GitHubCatalogSourceOptions) {
    this.#o = opts;
    this.#lib = splitRepo(opts.officialImagesRepo);
    this.#docs = splitRepo(opts.docsRepo);
    this.detail = opts.detail ?? `${opts.officialImagesRepo} + ${opts.docsRepo} (GitHub)`;
  }

  async fetch(knownRevision?: string): Promise<CatalogFiles | null> {
    const head = await this.#query<RevisionAnswer>(REVISION_QUERY, this.#repoVariables());
    const libCommit = head.library?.defaultBranchRef?.target;
    const docsCommit = head.docs?.defaultBranchRef?.target;
    const libTreeOid = libCommit?.library?.oid;
    const docsTreeOid = docsCommit?.tree?.oid;
    if (!head.library || !libCommit?.oid || !libTreeOid) {
      throw new UpstreamError('catalog.github-library', `${this.#o.officialImagesRepo} has no library/ folder on its default branch`, {
        retryable: false,
        userMessage: 'The catalog source on GitHub has no library/ folder; check DOIBOT_OFFICIAL_IMAGES_REPO.',
      });
    }
    // Without the docs repo the catalog still works (no descriptions or feedback routes).
    const revision = `${libTreeOid}:${docsTreeOid ?? 'none'}`;
    if (revision === knownRevision) return null;

    const images = (libCommit.library?.object?.entries ?? [])
      .filter((e) => e.type === 'blob' && typeof e.name === 'string' && IMAGE_NAME.test(e.name))
      .map((e) => e.name!);
    const { document, aliases } = filesQuery(docsCommit?.oid !== undefined ? images : []);
    const answer = await this.#query<FilesAnswer>(document, {
      ...this.#repoVariables(),
      libCommit: libCommit.oid,
      docsCommit: docsCommit?.oid ?? libCommit.oid,
    });

    const libTree = answer.library?.object?.library;
    const library = new Map<string, string>();
    const unreadable = new Map<string, string>();
    for (const entry of libTree?.object?.entries ?? []) {
      if (entry.type !== 'blob' || !entry.name || !IMAGE_NAME.test(entry.name)) continue;
      const text = this.#blobText(entry.object, `library/${entry.name}`);
      if (text !== undefined) library.set(entry.name, text);
      else if (entry.object?.isTruncated) unreadable.set(entry.name, 'GitHub sent the file truncated (too large), so it was not read');
    }
    if (library.size === 0) {
      throw new UpstreamError('catalog.github-empty', `${this.#o.officialImagesRepo} library/ holds no manifests`, { retryable: false });
    }

    const docs = new Map<string, Record<string, string>>();
    const docsObject = docsCommit?.oid !== undefined ? answer.docs?.object : undefined;
    if (docsObject) {
      const templates = new Map<string, string>();
      for (const entry of docsObject.templates?.object?.entries ?? []) {
        const text = entry.name ? this.#blobText(entry.object, `${TEMPLATES_DIR}/${entry.name}`) : undefined;
        if (text !== undefined) templates.set(`${TEMPLATES_DIR}/${entry.name}`, text);
      }
      const fetched = new Map<string, EntryWire>();
      for (const [alias, path] of aliases) {
        const entry = docsObject[alias] as EntryWire | null | undefined;
        if (entry) fetched.set(path, entry);
      }
      for (const [path, entry] of fetched) {
        const [image, file] = path.split('/') as [string, string];
        let text = this.#blobText(entry.object, path);
        if (text !== undefined && entry.mode === SYMLINK_MODE) {
          const target = posix.normalize(posix.join(image, text.trim()));
          const targetEntry = fetched.get(target);
          text = templates.get(target) ?? (targetEntry && targetEntry.mode !== SYMLINK_MODE ? this.#blobText(targetEntry.object, target) : undefined);
          if (text === undefined) this.#o.log?.debug({ path, target }, 'catalog: docs symlink points outside what is fetched; skipped');
        }
        if (text === undefined) continue;
        let files = docs.get(image);
        if (!files) docs.set(image, (files = {}));
        files[file] = text;
      }
    }

    const dates = [answer.library?.object?.committedDate, docsObject?.committedDate].map((d) => (d ? Date.parse(d) : NaN)).filter((d) => Number.isFinite(d));
    return {
      library,
      docs,
      revision: `${libTree?.oid ?? libTreeOid}:${docsObject?.tree?.oid ?? docsTreeOid ?? 'none'}`,
      ...(unreadable.size ? { unreadable } : {}),
      ...(dates.length ? { dataDate: Math.max(...dates) } : {}),
    };
  }

  #repoVariables() {
    return { libOwner: this.#lib.owner, libName: this.#lib.name, docsOwner: this.#docs.owner, docsName: this.#docs.name };
  }

  #blobText(blob: BlobWire | null | undefined, path: string): string | undefined {
    if (!blob || blob.isBinary || typeof blob.text !== 'string') return undefined;
    if (blob.isTruncated) {
      this.#o.log?.warn({ path }, 'catalog: GitHub truncated a file; skipped');
      return undefined;
    }
    return blob.text;
  }

  async #query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return await this.#o.client.query<T>(document, variables, this.#o.minRemaining !== undefined ? { minRemaining: this.#o.minRemaining } : {});
    } catch (err) {
      if (err instanceof GitHubGraphQLError && err.code === 'github.not_found') {
        throw new UpstreamError('catalog.github-repo', `catalog repositories not found on GitHub (${this.#o.officialImagesRepo}, ${this.#o.docsRepo}): ${err.message}`, {
          retryable: false,
          cause: err,
          userMessage: 'The catalog repositories were not found on GitHub; check DOIBOT_OFFICIAL_IMAGES_REPO and DOIBOT_DOCS_REPO.',
        });
      }
      throw err;
    }
  }
}

/**
 * The one content query: every library/ blob with its text, and per image only the docs files
 * the catalog reads (aliased `Commit.file` lookups; missing files answer null), plus the
 * `.common-templates` folder that docs symlinks point into.
 */
export function filesQuery(images: readonly string[]): { document: string; aliases: Map<string, string> } {
  const aliases = new Map<string, string>();
  const lines: string[] = [];
  for (const image of images) {
    for (const file of DOCS_FILES) {
      const alias = `f${aliases.size}`;
      const path = `${image}/${file}`;
      aliases.set(alias, path);
      // Names passed IMAGE_NAME, but a literal is still written escaped.
      lines.push(`${alias}: file(path: ${JSON.stringify(path)}) { ...DocFile }`);
    }
  }
  const document = `query CatalogFiles($libOwner: String!, $libName: String!, $docsOwner: String!, $docsName: String!, $libCommit: GitObjectID!, $docsCommit: GitObjectID!) {
  library: repository(owner: $libOwner, name: $libName) {
    object(oid: $libCommit) { ... on Commit { committedDate library: file(path: "library") { oid object { ... on Tree { entries { name type oid object { ...BlobText } } } } } } }
  }
  docs: repository(owner: $docsOwner, name: $docsName) {
    object(oid: $docsCommit) { ... on Commit { committedDate tree { oid }
      templates: file(path: "${TEMPLATES_DIR}") { object { ... on Tree { entries { name type object { ...BlobText } } } } }
      ${lines.join('\n      ')}
    } }
  }
  rateLimit { cost remaining resetAt }
}
fragment BlobText on GitObject { ... on Blob { text isBinary isTruncated } }${lines.length ? '\nfragment DocFile on TreeEntry { mode object { ...BlobText } }' : ''}`;
  return { document, aliases };
}

function splitRepo(nameWithOwner: string): { owner: string; name: string } {
  const [owner, name] = nameWithOwner.split('/');
  if (!owner || !name) throw new UpstreamError('catalog.github-repo', `"${nameWithOwner}" is not owner/name`, { retryable: false });
  return { owner, name };
}
