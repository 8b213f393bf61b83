import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UpstreamError, errorMessage } from '../core/errors.js';
import { projectRoot } from '../paths.js';
import type { CatalogFiles, CatalogSource } from './source.js';

/** The docs files the catalog uses; the rest of a docs checkout (content.md, logos) is skipped. */
export const DOCS_FILES = ['github-repo', 'issues.md', 'README-short.txt', 'maintainer.md', 'get-help.md', 'deprecated.md'] as const;

/** Files bigger than this are not manifests or docs metadata (the largest real one is 37 KB). */
const MAX_FILE_BYTES = 1024 * 1024;
const NAME = /^[a-z0-9][a-z0-9._-]*$/;

export interface DirectorySourceOptions {
  /** Shown by `about`: "directory", "bundled snapshot". */
  readonly name?: string;
  readonly detail?: string;
  /** When the data was committed upstream, if known. */
  readonly dataDate?: number;
}

/**
 * Reads `<dir>/library/<image>` and `<dir>/docs/<image>/<file>`, laid out like checkouts of
 * docker-library/official-images and docker-library/docs (the docs folder may also be a
 * sibling checkout's root). The revision is a hash of everything read, so an unchanged
 * directory is recognised without building a new catalog.
 */
export class DirectoryCatalogSource implements CatalogSource {
  readonly name: string;
  readonly detail: string;
  readonly dir: string;
  readonly local = true;
  readonly #dataDate: number | undefined;

  constructor(dir: string, opts: DirectorySourceOptions = {}) {
    this.dir = dir;
    this.name = opts.name ?? 'directory';
    this.detail = opts.detail ?? dir;
    this.#dataDate = opts.dataDate;
  }

  async fetch(knownRevision?: string): Promise<CatalogFiles | null> {
    const libraryDir = join(this.dir, 'library');
    let names: string[];
    try {
      names = (await readdir(libraryDir)).filter((n) => NAME.test(n)).sort();
    } catch (err) {
      throw new UpstreamError('catalog.dir', `cannot read ${libraryDir}: ${errorMessage(err)}`, {
        retryable: false,
        cause: err,
        userMessage: `The image catalog directory is not readable (${libraryDir}); check DOIBOT_LIBRARY_DIR.`,
      });
    }
    const hash = createHash('sha256');
    const library = new Map<string, string>();
    const unreadable = new Map<string, string>();
    for (const name of names) {
      const read = await readLibraryFile(join(libraryDir, name));
      if (read === undefined) continue;
      if ('tooLarge' in read) {
        unreadable.set(name, `the file is ${formatBytes(read.tooLarge)}, over the ${formatBytes(MAX_FILE_BYTES)} limit, so it was not read`);
        hash.update(`U\0${name}\0${read.tooLarge}\0`);
        continue;
      }
      library.set(name, read.text);
      hash.update(`L\0${name}\0${read.text}\0`);
    }
    if (library.size === 0) {
      throw new UpstreamError('catalog.dir-empty', `${libraryDir} holds no manifests`, { retryable: false });
    }

    const docsDir = join(this.dir, 'docs');
    const docs = new Map<string, Record<string, string>>();
    let docNames: string[] = [];
    try {
      docNames = (await readdir(docsDir)).filter((n) => NAME.test(n)).sort();
    } catch {
      // No docs: descriptions and feedback routes are then unknown, the catalog still works.
    }
    for (const name of docNames) {
      const files: Record<string, string> = {};
      for (const file of DOCS_FILES) {
        const text = await readSmallFile(join(docsDir, name, file));
        if (text === undefined) continue;
        files[file] = text;
        hash.update(`D\0${name}\0${file}\0${text}\0`);
      }
      if (Object.keys(files).length) docs.set(name, files);
    }
    const revision = `sha256:${hash.digest('hex')}`;
    if (knownRevision === revision) return null;
    return {
      library,
      docs,
      revision,
      ...(unreadable.size ? { unreadable } : {}),
      ...(this.#dataDate === undefined ? {} : { dataDate: this.#dataDate }),
    };
  }
}

/** A library file's text, or its size when too large to be a manifest; undefined when absent. */
async function readLibraryFile(path: string): Promise<{ text: string } | { tooLarge: number } | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return undefined;
    if (s.size > MAX_FILE_BYTES) return { tooLarge: s.size };
    return { text: await readFile(path, 'utf8') };
  } catch {
    return undefined;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** A regular file's text; undefined when absent, not a file, or implausibly large. */
async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (!s.isFile() || s.size > MAX_FILE_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface SnapshotInfo {
  readonly officialImagesCommit: string;
  readonly docsCommit: string;
  /** ISO date of the snapshot's commits. */
  readonly date: string;
}

/**
 * The real upstream data bundled in assets/snapshot (see its PROVENANCE.md): the default
 * source, so the bot answers with no network and no configuration. snapshot.json is read on
 * the first fetch (construction does no I/O), then `detail` names the commits.
 */
export class BundledSnapshotSource implements CatalogSource {
  readonly name = 'bundled snapshot';
  readonly local = true;
  readonly dir: string;
  #info: SnapshotInfo | undefined;
  #inner: DirectoryCatalogSource | undefined;

  constructor(root = projectRoot()) {
    this.dir = join(root, 'assets', 'snapshot');
  }

  get detail(): string {
    const i = this.#info;
    return i
      ? `docker-library/official-images@${i.officialImagesCommit.slice(0, 7)} + docker-library/docs@${i.docsCommit.slice(0, 7)}`
      : this.dir;
  }

  async fetch(knownRevision?: string): Promise<CatalogFiles | null> {
    if (!this.#inner) {
      let info: SnapshotInfo;
      try {
        info = JSON.parse(await readFile(join(this.dir, 'snapshot.json'), 'utf8')) as SnapshotInfo;
      } catch (err) {
        throw new UpstreamError('catalog.snapshot', `bundled snapshot is damaged: ${errorMessage(err)}`, { retryable: false, cause: err });
      }
      const dataDate = Date.parse(info.date);
      this.#info = info;
      this.#inner = new DirectoryCatalogSource(this.dir, { name: this.name, ...(Number.isFinite(dataDate) ? { dataDate } : {}) });
    }
    return this.#inner.fetch(knownRevision);
  }
}
