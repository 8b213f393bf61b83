/**
 * Where catalog data comes from: the official-images `library/` manifests and the docs repo's
 * per-image metadata, as raw texts. Sources: GitHub GraphQL, a local directory, the bundled
 * snapshot. Parsing happens elsewhere, once, whatever the source.
 */
export interface CatalogFiles {
  /** library/<image> manifest texts, by image name. */
  readonly library: ReadonlyMap<string, string>;
  /**
   * docs/<image>/<file> texts by image name then file name. Files used: `github-repo`,
   * `issues.md`, `README-short.txt`, `maintainer.md`, `get-help.md`, `deprecated.md`.
   */
  readonly docs: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /**
   * library/<image> files that exist but could not be read (too large, truncated by GitHub),
   * by image name, with the reason: their images are answered as broken, not dropped.
   */
  readonly unreadable?: ReadonlyMap<string, string>;
  /** Identifies this content (commit sha or tree oid): unchanged revision = unchanged data. */
  readonly revision: string;
  /** When the data was committed upstream (ms since epoch), if known. */
  readonly dataDate?: number;
}

export interface CatalogSource {
  /** "github", "directory", "bundled snapshot". */
  readonly name: string;
  /** Human detail for `about`: URL, path, snapshot commit. */
  readonly detail: string;
  /** Reads local files (directory, bundled snapshot): cheap and fast, so startup may wait for it. */
  readonly local?: boolean;
  /**
   * The current files, or null when they are unchanged since `knownRevision` (sources check
   * this cheaply, e.g. by tree oid, before fetching any blob). Throws UpstreamError.
   */
  fetch(knownRevision?: string): Promise<CatalogFiles | null>;
}
