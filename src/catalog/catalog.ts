/**
 * The image catalog: every official image's entries, tags, architectures, description and
 * feedback route, built once from CatalogFiles and never changed afterwards (a refresh builds a
 * new Catalog and swaps it in). Pure: no I/O.
 */
import { ARCHITECTURES, type BashbrewArch } from './arch.js';
import { deriveFeedbackRoute, type FeedbackRoute } from './feedback-route.js';
import { globMatch } from '../core/glob.js';
import { typoDistance } from '../core/distance.js';
import { deprecationAlternatives } from './deprecation.js';
import { ManifestError, archValue, parseManifest, type Maintainer, type ManifestEntry } from './manifest.js';
import type { CatalogFiles } from './source.js';

export type { FeedbackRoute } from './feedback-route.js';
export { typoDistance };

export interface ImageInfo {
  readonly name: string;
  /** docs README-short.txt */
  readonly description: string | undefined;
  /** docs deprecated.md, when the image is deprecated. */
  readonly deprecation: string | undefined;
  /** The images deprecated.md names as alternatives, in its order. */
  readonly deprecationAlternatives: readonly string[];
  readonly maintainers: readonly Maintainer[];
  /** Where the Dockerfiles live (the manifest's GitRepo, of the first entry). */
  readonly gitRepo: string | undefined;
  readonly entries: readonly ManifestEntry[];
  /** Every Tag in manifest order. */
  readonly tags: readonly string[];
  /** Every SharedTag, first appearance order. */
  readonly sharedTags: readonly string[];
  /** Union over entries, in bashbrew's order. */
  readonly architectures: readonly BashbrewArch[];
  /** Problems found while parsing this image's manifest (entries with errors are left out). */
  readonly errors: readonly ManifestError[];
  /** Set when the manifest file exists but could not be read at all (too large, truncated). */
  readonly unreadable?: string;
}

export interface TagInfo {
  readonly image: string;
  readonly tag: string;
  /** A SharedTag: an index combining several entries (e.g. hello-world:latest = Linux + Windows). */
  readonly shared: boolean;
  readonly entries: readonly ManifestEntry[];
  readonly architectures: readonly BashbrewArch[];
}

export interface SearchResult {
  readonly image: ImageInfo;
  /** Why it matched, best first: exact name, name prefix, name substring, description. */
  readonly match: 'name' | 'prefix' | 'substring' | 'description';
}

const ARCH_ORDER = Object.keys(ARCHITECTURES) as BashbrewArch[];
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * "Python", "library/python", "docker.io/library/python", "hub.docker.com/_/python" ->
 * "python"; undefined when it cannot be an official image name.
 */
export function normaliseImageName(input: string): string | undefined {
  let s = input.trim().toLowerCase();
  s = s.replace(/^https?:\/\//, '').replace(/^(?:hub\.docker\.com\/_\/|(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)/, '');
  s = s.replace(/^library\//, '').replace(/\/$/, '');
  return IMAGE_NAME.test(s) ? s : undefined;
}

/** Splits "python:3.13" (or "library/python:3.13") into image and tag; tag undefined without ':'. */
export function splitImageRef(ref: string): { image: string; tag: string | undefined } {
  const trimmed = ref.trim();
  const colon = trimmed.lastIndexOf(':');
  // A colon inside "https://" is not a tag separator.
  if (colon < 0 || trimmed.slice(colon).startsWith('://')) return { image: trimmed, tag: undefined };
  return { image: trimmed.slice(0, colon), tag: trimmed.slice(colon + 1) };
}

export class Catalog {
  readonly revision: string;
  readonly dataDate: number | undefined;
  readonly #images: ReadonlyMap<string, ImageInfo>;
  readonly #routes: ReadonlyMap<string, FeedbackRoute>;
  readonly #sortedNames: readonly string[];

  private constructor(revision: string, dataDate: number | undefined, images: Map<string, ImageInfo>, routes: Map<string, FeedbackRoute>) {
    this.revision = revision;
    this.dataDate = dataDate;
    this.#images = images;
    this.#routes = routes;
    this.#sortedNames = [...images.keys()].sort();
  }

  /** Parses every manifest; bad entries are left out and reported in each image's `errors`. */
  static fromFiles(files: CatalogFiles): Catalog {
    const images = new Map<string, ImageInfo>();
    const known = (n: string) => files.library.has(n) || files.unreadable?.has(n) === true;
    for (const [name, text] of files.library) {
      const image = normaliseImageName(name);
      if (!image) continue;
      images.set(image, buildImage(image, text, files.docs.get(name), known));
    }
    for (const [name, why] of files.unreadable ?? []) {
      const image = normaliseImageName(name);
      if (image && !images.has(image)) images.set(image, unreadableImage(image, why, files.docs.get(name), known));
    }
    const routes = new Map<string, FeedbackRoute>();
    for (const name of new Set([...files.library.keys(), ...files.docs.keys()])) {
      const image = normaliseImageName(name);
      if (image) routes.set(image, deriveFeedbackRoute(image, files.docs.get(name)));
    }
    return new Catalog(files.revision, files.dataDate, images, routes);
  }

  /** Image names, sorted. */
  names(): readonly string[] {
    return this.#sortedNames;
  }

  get size(): number {
    return this.#images.size;
  }

  image(name: string): ImageInfo | undefined {
    const n = normaliseImageName(name);
    return n === undefined ? undefined : this.#images.get(n);
  }

  /** A tag or shared tag of an image; undefined when the image or the tag is unknown. */
  tag(imageName: string, tag: string): TagInfo | undefined {
    const image = this.image(imageName);
    if (!image) return undefined;
    const t = tag.trim();
    const exact = image.entries.filter((e) => e.tags.includes(t));
    const shared = exact.length ? [] : image.entries.filter((e) => e.sharedTags.includes(t));
    const entries = exact.length ? exact : shared;
    if (!entries.length) return undefined;
    return { image: image.name, tag: t, shared: !exact.length, entries, architectures: unionArches(entries) };
  }

  /** Tags and shared tags matching a glob (`*`, `?`), in manifest order. */
  matchTags(imageName: string, glob: string): string[] {
    const image = this.image(imageName);
    if (!image) return [];
    return [...image.tags, ...image.sharedTags].filter((t) => globMatch(glob, t));
  }

  /**
   * Where feedback about an image goes. Also answers for docs-only names such as `scratch`
   * (with every field null); undefined for names the docs and the library do not know.
   */
  routeFor(imageName: string): FeedbackRoute | undefined {
    const n = normaliseImageName(imageName);
    return n === undefined ? undefined : this.#routes.get(n);
  }

  /** Closest image names to a typo, best first. */
  suggestImages(input: string, max = 3): string[] {
    const n = (normaliseImageName(input) ?? input.trim().toLowerCase()).slice(0, 64);
    if (!n) return [];
    return closest(n, this.#sortedNames, max);
  }

  /** Closest tags of an image to a typo, best first. */
  suggestTags(imageName: string, tag: string, max = 5): string[] {
    const image = this.image(imageName);
    if (!image) return [];
    return closest(tag.trim().slice(0, 128), [...image.tags, ...image.sharedTags], max);
  }

  /** Name and description substring search, best matches first. */
  search(text: string, max = 20): SearchResult[] {
    const q = text.trim().toLowerCase().slice(0, 100);
    if (!q) return [];
    const rank = { name: 0, prefix: 1, substring: 2, description: 3 } as const;
    const out: SearchResult[] = [];
    for (const name of this.#sortedNames) {
      const image = this.#images.get(name)!;
      const match =
        name === q ? 'name' : name.startsWith(q) ? 'prefix' : name.includes(q) ? 'substring' : image.description?.toLowerCase().includes(q) ? 'description' : undefined;
      if (match) out.push({ image, match });
    }
    out.sort((a, b) => rank[a.match] - rank[b.match] || a.image.name.localeCompare(b.image.name));
    return out.slice(0, max);
  }

  /** Every manifest problem, for `status` and logs. */
  errors(): ManifestError[] {
    return [...this.#images.values()].flatMap((i) => [...i.errors]);
  }

  tagCount(): number {
    let n = 0;
    for (const i of this.#images.values()) n += i.tags.length;
    return n;
  }
}

type Docs = Readonly<Record<string, string>> | undefined;

function docsFacts(name: string, docs: Docs, isImage: (n: string) => boolean) {
  const deprecation = docs?.['deprecated.md']?.trim() || undefined;
  return {
    description: docs?.['README-short.txt']?.trim() || undefined,
    deprecation,
    deprecationAlternatives: deprecation ? deprecationAlternatives(name, deprecation, isImage) : [],
  };
}

function unreadableImage(name: string, why: string, docs: Docs, isImage: (n: string) => boolean): ImageInfo {
  return {
    name,
    ...docsFacts(name, docs, isImage),
    maintainers: [],
    gitRepo: undefined,
    entries: [],
    tags: [],
    sharedTags: [],
    architectures: [],
    errors: [new ManifestError(`library/${name}`, 0, why)],
    unreadable: why,
  };
}

function buildImage(name: string, text: string, docs: Docs, isImage: (n: string) => boolean): ImageInfo {
  const { manifest, errors } = parseManifest(`library/${name}`, text);
  const sharedTags = [...new Set(manifest.entries.flatMap((e) => e.sharedTags))];
  return {
    name,
    ...docsFacts(name, docs, isImage),
    maintainers: manifest.maintainers,
    gitRepo: manifest.entries[0]?.gitRepo,
    entries: manifest.entries,
    tags: manifest.entries.flatMap((e) => e.tags),
    sharedTags,
    architectures: unionArches(manifest.entries),
    errors,
  };
}

function unionArches(entries: readonly ManifestEntry[]): BashbrewArch[] {
  const set = new Set(entries.flatMap((e) => e.architectures));
  return ARCH_ORDER.filter((a) => set.has(a));
}

function closest(input: string, candidates: readonly string[], max: number): string[] {
  const limit = Math.max(1, Math.floor(input.length / 3));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const d = typoDistance(input, c);
    // A prefix either way ("postgresql" / "postgres", "3.1" / "3.13") counts as close too.
    const prefix = input.length >= 3 && (c.startsWith(input) || input.startsWith(c));
    if (d <= limit || prefix) scored.push({ c, d: prefix ? Math.min(d, limit) : d });
  }
  scored.sort((a, b) => a.d - b.d || a.c.length - b.c.length || (a.c < b.c ? -1 : 1));
  return [...new Set(scored.map((s) => s.c))].slice(0, max);
}

/**
 * Link to the Dockerfile (or OCI index) an entry builds, as the docs repo renders it
 * (.template-helpers/generate-dockerfile-links-partial.tmpl): amd64's values when the entry has
 * amd64, else its first architecture's.
 */
export function dockerfileUrl(entry: ManifestEntry): string | undefined {
  const arch = entry.architectures.includes('amd64') ? 'amd64' : entry.architectures[0];
  if (!arch) return undefined;
  const repo = archValue(entry, arch, 'GitRepo').replace(/^git:\/\//, 'https://').replace(/\.git$/, '');
  if (!/^https:\/\//.test(repo)) return undefined;
  const commit = archValue(entry, arch, 'GitCommit');
  const dir = archValue(entry, arch, 'Directory');
  const path = `${dir === '.' ? '' : `${dir}/`}${archValue(entry, arch, 'File')}`;
  if (repo.startsWith('https://git.launchpad.net/')) {
    const ref = archValue(entry, arch, 'GitFetch').replace(/^refs\/(?:heads|tags)\//, '');
    return `${repo}/tree/${path}?h=${encodeURIComponent(ref)}&id=${commit}`;
  }
  return `${repo}${repo.startsWith('https://gitlab.') ? '/-/blob/' : '/blob/'}${commit}/${path}`;
}
