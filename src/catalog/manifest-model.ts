/**
 * What a parsed official-images manifest is: its entries, maintainers and errors, and the
 * limits that keep hostile input cheap. The parser (`manifest.ts`) builds these.
 */
import type { BashbrewArch } from './arch.js';

export class ManifestError extends Error {
  readonly file: string;
  /** 1-based line in the original text (0 = the file as a whole). */
  readonly line: number;
  /** The message without the "file:line:" prefix. */
  readonly detail: string;
  constructor(file: string, line: number, detail: string) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'ManifestError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

export interface Maintainer {
  readonly name: string;
  readonly email?: string;
  /** GitHub handle without the @. */
  readonly handle: string;
}

/**
 * The per-architecture overridable fields (`arm64v8-GitCommit`, `windows-amd64-Directory`).
 * An entry holds each under the same name with a lower-case first letter (`gitCommit`):
 * Directory is path-cleaned ("1.5/ppc64le/" -> "1.5/ppc64le"), and Builder is "" (the classic
 * default), "classic", "buildkit" or "oci-import".
 */
export const ARCH_FIELDS = ['GitRepo', 'GitFetch', 'GitCommit', 'Directory', 'File', 'Builder'] as const;
export type ArchField = (typeof ARCH_FIELDS)[number];
export type ArchValues = Readonly<Partial<Record<ArchField, string>>>;
/** `gitRepo`, `gitFetch`, ... : an entry's name for an ArchField. */
export type EntryField = Uncapitalize<ArchField>;

export function entryFieldOf(field: ArchField): EntryField {
  return `${field[0]!.toLowerCase()}${field.slice(1)}` as EntryField;
}

export type ManifestEntry = Readonly<Record<EntryField, string>> & {
  readonly tags: readonly string[];
  readonly sharedTags: readonly string[];
  /** De-duplicated and sorted, as bashbrew does. */
  readonly architectures: readonly BashbrewArch[];
  readonly constraints: readonly string[];
  /** Global maintainers plus any the entry adds. */
  readonly maintainers: readonly Maintainer[];
  /** Per-architecture overrides, inherited from the global entry and overridden key by key. */
  readonly archValues: Readonly<Partial<Record<BashbrewArch, ArchValues>>>;
  /** Line of the paragraph's first field. */
  readonly line: number;
};

export interface Manifest {
  readonly image: string;
  readonly maintainers: readonly Maintainer[];
  readonly entries: readonly ManifestEntry[];
}

export interface ManifestParseResult {
  readonly manifest: Manifest;
  readonly errors: readonly ManifestError[];
}

/** bashbrew's `ArchX(arch)`: the arch-specific value when set and non-empty, else the entry's. */
export function archValue(entry: ManifestEntry, arch: BashbrewArch, field: ArchField): string {
  return entry.archValues[arch]?.[field] || entry[entryFieldOf(field)];
}

/** Bounds that keep hostile input cheap; real files are at most ~40 KB and ~1,100 tags. */
export const MANIFEST_LIMITS = {
  maxBytes: 4 * 1024 * 1024,
  maxEntries: 5_000,
  maxErrors: 200,
  /** Longest maintainer item we run the maintainer regex on (it is quadratic in the worst case). */
  maxMaintainerLength: 512,
} as const;

/** Collects one file's errors: each (line, detail) once, at most MANIFEST_LIMITS.maxErrors. */
export class ErrorSink {
  readonly list: ManifestError[] = [];
  readonly #seen = new Set<string>();
  readonly #file: string;
  constructor(file: string) {
    this.#file = file;
  }
  add(line: number, detail: string): void {
    const key = `${line}\u0000${detail}`;
    if (this.#seen.has(key) || this.list.length >= MANIFEST_LIMITS.maxErrors) return;
    this.#seen.add(key);
    this.list.push(new ManifestError(this.#file, line, detail));
  }
}

/** A line as an error message quotes it: at most 60 characters, no line breaks. */
export function preview(line: string): string {
  const trimmed = line.replace(/[\r\n]/g, '');
  return trimmed.length > 60 ? `${trimmed.slice(0, 60)}…` : trimmed;
}
