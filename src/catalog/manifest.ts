/**
 * Parser for official-images `library/<image>` manifests, following bashbrew's rules
 * (docker-library/bashbrew manifest/rfc2822.go, pkg/stripper/comments.go and the paragraph
 * reader of pault.ag/go/debian control/parse.go). Where bashbrew refuses a whole file, this
 * parser reports a ManifestError and keeps every entry it can, so one bad line in a 70-entry
 * file does not hide the other 69 from chat answers.
 *
 * It never throws: every problem becomes a ManifestError in the result. The work is linear in
 * the input size, which is itself capped.
 */
import { posix } from 'node:path';
import { ARCHITECTURES, isBashbrewArch, type BashbrewArch } from './arch.js';

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

/** The per-architecture overridable fields (`arm64v8-GitCommit`, `windows-amd64-Directory`). */
export const ARCH_FIELDS = ['GitRepo', 'GitFetch', 'GitCommit', 'Directory', 'File', 'Builder'] as const;
export type ArchField = (typeof ARCH_FIELDS)[number];
type ArchValues = Readonly<Partial<Record<ArchField, string>>>;

export interface ManifestEntry {
  readonly tags: readonly string[];
  readonly sharedTags: readonly string[];
  /** De-duplicated and sorted, as bashbrew does. */
  readonly architectures: readonly BashbrewArch[];
  readonly gitRepo: string;
  readonly gitFetch: string;
  readonly gitCommit: string;
  readonly directory: string;
  readonly file: string;
  /** "" (classic default), "classic", "buildkit" or "oci-import". */
  readonly builder: string;
  readonly constraints: readonly string[];
  /** Global maintainers plus any the entry adds. */
  readonly maintainers: readonly Maintainer[];
  /** Per-architecture overrides, inherited from the global entry and overridden key by key. */
  readonly archValues: Readonly<Partial<Record<BashbrewArch, ArchValues>>>;
  /** Line of the paragraph's first field. */
  readonly line: number;
}

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
  const specific = entry.archValues[arch]?.[field];
  if (specific) return specific;
  switch (field) {
    case 'GitRepo':
      return entry.gitRepo;
    case 'GitFetch':
      return entry.gitFetch;
    case 'GitCommit':
      return entry.gitCommit;
    case 'Directory':
      return entry.directory;
    case 'File':
      return entry.file;
    case 'Builder':
      return entry.builder;
  }
}

/** Bounds that keep hostile input cheap; real files are at most ~40 KB and ~1,100 tags. */
export const MANIFEST_LIMITS = {
  maxBytes: 4 * 1024 * 1024,
  maxEntries: 5_000,
  maxErrors: 200,
  /** Longest maintainer item we run the maintainer regex on (it is quadratic in the worst case). */
  maxMaintainerLength: 512,
} as const;

const TAG = /^\w[\w.-]{0,127}$/;
const GIT_COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const GIT_FETCH = /^refs\/(heads|tags)\/[^*?:]+$/;
const MAINTAINER = /^([^\s<>()][^<>()]*)(?:\s+<([^\s<>()]+)>)?\s+[(]@([^\s<>()]+)[)]$/;
const LIST_FIELDS = new Set(['Maintainers', 'Tags', 'SharedTags', 'Architectures', 'Constraints']);
const KNOWN_ARCHES = Object.keys(ARCHITECTURES).join(', ');

interface Field {
  readonly value: string;
  readonly line: number;
}

interface Paragraph {
  /** Last value wins for a repeated key, as in go-debian. */
  readonly fields: Map<string, Field>;
  readonly line: number;
}

/** A mutable entry while inheriting; frozen into a ManifestEntry once valid. */
interface Draft {
  maintainers: string[];
  tags: string[];
  sharedTags: string[];
  architectures: string[];
  gitRepo: string;
  gitFetch: string;
  gitCommit: string;
  directory: string;
  file: string;
  builder: string;
  constraints: string[];
  archValues: Map<BashbrewArch, Map<ArchField, string>>;
  /** Where each value came from, so an error points at the line that set it. */
  lines: Map<string, number>;
}

/**
 * Parses one manifest. `image` names the file in errors (e.g. "library/python" or "python").
 * Never throws.
 */
export function parseManifest(image: string, text: string): ManifestParseResult {
  const errors = new ErrorSink(image);
  try {
    return parseInner(image, text, errors);
  } catch (err) {
    // A bug of ours must not take the whole catalog down: report it as this file's error.
    errors.add(0, `internal parser error: ${err instanceof Error ? err.message : String(err)}`);
    return { manifest: { image, maintainers: [], entries: [] }, errors: errors.list };
  }
}

/** Like parseManifest, but throws the first ManifestError (with the count of others). */
export function parseManifestStrict(image: string, text: string): Manifest {
  const { manifest, errors } = parseManifest(image, text);
  const first = errors[0];
  if (first) {
    throw errors.length === 1 ? first : new ManifestError(first.file, first.line, `${first.detail} (and ${errors.length - 1} more errors)`);
  }
  return manifest;
}

class ErrorSink {
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

function parseInner(image: string, text: string, errors: ErrorSink): ManifestParseResult {
  const empty: Manifest = { image, maintainers: [], entries: [] };
  if (text.length > MANIFEST_LIMITS.maxBytes) {
    errors.add(0, `file is too large (${text.length} characters, limit ${MANIFEST_LIMITS.maxBytes})`);
    return { manifest: empty, errors: errors.list };
  }
  const paragraphs = readParagraphs(text.startsWith('\uFEFF') ? text.slice(1) : text, errors);
  const [globalParagraph, ...entryParagraphs] = paragraphs;
  if (!globalParagraph) {
    errors.add(0, 'empty manifest: no global paragraph with Maintainers');
    return { manifest: empty, errors: errors.list };
  }

  const global = defaultDraft();
  applyParagraph(global, globalParagraph, null);
  const globalMaintainers = parseMaintainers(global.maintainers, global.lines.get('Maintainers') ?? globalParagraph.line, errors);
  if (!globalParagraph.fields.has('Maintainers') || global.maintainers.length === 0) {
    errors.add(globalParagraph.line, 'missing Maintainers in the global paragraph');
  }
  if (globalParagraph.fields.has('Tags')) {
    errors.add(globalParagraph.fields.get('Tags')!.line, 'global Tags not permitted (the first paragraph is the global header; add an empty line before the first entry)');
  }
  checkArchitectures(global, errors);

  const entries: ManifestEntry[] = [];
  const tagOwner = new Map<string, number>();
  const sharedTagOwner = new Map<string, number>();
  const byBuildInputs = new Map<string, number>();

  for (const paragraph of entryParagraphs) {
    if (entries.length >= MANIFEST_LIMITS.maxEntries) {
      errors.add(paragraph.line, `too many entries (limit ${MANIFEST_LIMITS.maxEntries}); the rest are ignored`);
      break;
    }
    const draft = cloneDraft(global);
    applyParagraph(draft, paragraph, global);
    const entry = validateEntry(draft, paragraph, globalMaintainers, errors);
    if (!entry) continue;
    if (!checkDuplicates(entry, entries, tagOwner, sharedTagOwner, errors)) continue;

    // bashbrew folds an entry with identical build inputs into the earlier one.
    const key = buildInputsKey(entry);
    const sameIndex = byBuildInputs.get(key);
    const index = sameIndex ?? entries.length;
    if (sameIndex !== undefined) {
      const prior = entries[sameIndex]!;
      entries[sameIndex] = {
        ...prior,
        tags: [...prior.tags, ...entry.tags],
        sharedTags: uniqueInOrder([...prior.sharedTags, ...entry.sharedTags]),
      };
    } else {
      byBuildInputs.set(key, index);
      entries.push(entry);
    }
    for (const t of entry.tags) tagOwner.set(t, index);
    for (const t of entry.sharedTags) if (!sharedTagOwner.has(t)) sharedTagOwner.set(t, index);
  }

  return { manifest: { image, maintainers: globalMaintainers, entries }, errors: errors.list };
}

/** Comment stripping, paragraph splitting, continuation lines and first-colon field split. */
function readParagraphs(text: string, errors: ErrorSink): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lastKey: string | undefined;
  // Continuation pieces are collected and joined once, so long values stay linear.
  let pieces: string[] | undefined;
  let piecesLine = 0;

  const flushPieces = () => {
    if (current && lastKey !== undefined && pieces) {
      current.fields.set(lastKey, { value: pieces.join('\n'), line: piecesLine });
    }
    pieces = undefined;
  };
  const endParagraph = () => {
    flushPieces();
    if (current && current.fields.size > 0) paragraphs.push(current);
    current = undefined;
    lastKey = undefined;
  };

  const lines = text.split('\n');
  // A final "\n" gives one last empty string that is not a line of its own.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    // Comments are stripped before paragraphs are formed, so they never end a paragraph.
    if (raw.trimStart().startsWith('#')) continue;
    if (raw === '' || raw === '\r') {
      endParagraph();
      continue;
    }
    if (raw[0] === ' ' || raw[0] === '\t') {
      if (!current || lastKey === undefined) {
        errors.add(lineNo, `continuation line without a field before it: '${preview(raw)}'`);
        continue;
      }
      const piece = raw.slice(1).trimEnd();
      pieces ??= [current.fields.get(lastKey)?.value ?? ''];
      pieces.push(piece === '.' ? '' : piece);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon < 0) {
      errors.add(lineNo, `Bad line: '${preview(raw)}' has no ':'`);
      continue;
    }
    flushPieces();
    current ??= { fields: new Map(), line: lineNo };
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    current.fields.delete(key); // keep the map in last-set order for line reporting
    current.fields.set(key, { value, line: lineNo });
    lastKey = key;
    piecesLine = lineNo;
  }
  endParagraph();
  return paragraphs;
}

function preview(line: string): string {
  const trimmed = line.replace(/[\r\n]/g, '');
  return trimmed.length > 60 ? `${trimmed.slice(0, 60)}…` : trimmed;
}

function defaultDraft(): Draft {
  return {
    maintainers: [],
    tags: [],
    sharedTags: [],
    architectures: ['amd64'],
    gitRepo: '',
    gitFetch: 'refs/heads/master',
    gitCommit: '',
    directory: '.',
    file: 'Dockerfile',
    builder: '',
    constraints: [],
    archValues: new Map(),
    lines: new Map(),
  };
}

function cloneDraft(d: Draft): Draft {
  return {
    ...d,
    maintainers: [...d.maintainers],
    tags: [],
    sharedTags: [...d.sharedTags],
    architectures: [...d.architectures],
    constraints: [...d.constraints],
    archValues: new Map([...d.archValues].map(([arch, values]) => [arch, new Map(values)])),
    lines: new Map(d.lines),
  };
}

/** bashbrew's list decoding: split on ",", trim "\n\r\t " from each item; empty items stay "". */
function splitList(value: string): string[] {
  return value.split(',').map((s) => s.replace(/^[\n\r\t ]+|[\n\r\t ]+$/g, ''));
}

/** Overlays a paragraph; `global` is null for the global paragraph itself. */
function applyParagraph(d: Draft, p: Paragraph, global: Draft | null): void {
  for (const [key, { value, line }] of p.fields) {
    const list = LIST_FIELDS.has(key) ? splitList(value) : [];
    switch (key) {
      case 'Maintainers':
        // Additive: an entry's maintainers are appended to the global ones.
        d.maintainers = global ? [...global.maintainers, ...list] : list;
        break;
      case 'Constraints':
        d.constraints = global ? [...global.constraints, ...list] : list;
        break;
      case 'Tags':
        d.tags = list;
        break;
      case 'SharedTags':
        d.sharedTags = list;
        break;
      case 'Architectures':
        d.architectures = list;
        break;
      case 'GitRepo':
        d.gitRepo = value;
        break;
      case 'GitFetch':
        d.gitFetch = value;
        break;
      case 'GitCommit':
        d.gitCommit = value;
        break;
      case 'Directory':
        d.directory = value;
        break;
      case 'File':
        d.file = value;
        break;
      case 'Builder':
        d.builder = value;
        break;
      default: {
        const archKey = splitArchKey(key);
        // Keys for unknown architectures are kept by bashbrew but never looked up: ignore them.
        if (!archKey) continue;
        let values = d.archValues.get(archKey.arch);
        if (!values) d.archValues.set(archKey.arch, (values = new Map<ArchField, string>()));
        values.set(archKey.field, value);
        d.lines.set(key, line);
        continue;
      }
    }
    d.lines.set(key, line);
  }
}

/** "windows-amd64-Directory" -> windows-amd64 + Directory: the field is matched as a suffix. */
export function splitArchKey(key: string): { arch: BashbrewArch; field: ArchField } | undefined {
  for (const field of ARCH_FIELDS) {
    const suffix = `-${field}`;
    if (key.length > suffix.length && key.endsWith(suffix)) {
      const arch = key.slice(0, -suffix.length);
      return isBashbrewArch(arch) ? { arch, field } : undefined;
    }
  }
  return undefined;
}

function parseMaintainers(items: readonly string[], line: number, errors: ErrorSink): Maintainer[] {
  const out: Maintainer[] = [];
  for (const item of items) {
    const m = item.length <= MANIFEST_LIMITS.maxMaintainerLength ? MAINTAINER.exec(item) : null;
    if (!m) {
      errors.add(line, `invalid Maintainers item '${preview(item)}' (expected "Full Name <email> (@github-handle)" or "Full Name (@github-handle)")`);
      continue;
    }
    out.push(m[2] ? { name: m[1]!, email: m[2], handle: m[3]! } : { name: m[1]!, handle: m[3]! });
  }
  return out;
}

function checkArchitectures(d: Draft, errors: ErrorSink): boolean {
  let ok = true;
  for (const a of d.architectures) {
    if (!isBashbrewArch(a)) {
      errors.add(d.lines.get('Architectures') ?? 0, `unknown architecture '${preview(a)}' (known: ${KNOWN_ARCHES})`);
      ok = false;
    }
  }
  return ok;
}

function validateEntry(d: Draft, p: Paragraph, globalMaintainers: readonly Maintainer[], errors: ErrorSink): ManifestEntry | undefined {
  const before = errors.list.length;
  const at = (key: string) => d.lines.get(key) ?? p.line;

  if (!p.fields.has('Tags') || d.tags.length === 0) errors.add(p.line, 'missing Tags');
  for (const t of d.tags) if (!TAG.test(t)) errors.add(at('Tags'), `invalid tag '${preview(t)}' (tags match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  for (const t of d.sharedTags) if (!TAG.test(t)) errors.add(at('SharedTags'), `invalid shared tag '${preview(t)}'`);
  if (!d.gitRepo) errors.add(at('GitRepo'), 'missing GitRepo');
  if (!d.gitFetch) errors.add(at('GitFetch'), 'missing GitFetch');
  else if (!GIT_FETCH.test(d.gitFetch)) errors.add(at('GitFetch'), `GitFetch '${preview(d.gitFetch)}' must look like refs/heads/<branch> or refs/tags/<tag>`);
  if (!d.gitCommit) errors.add(at('GitCommit'), 'missing GitCommit');
  else if (!GIT_COMMIT.test(d.gitCommit)) errors.add(at('GitCommit'), `GitCommit '${preview(d.gitCommit)}' must be a full 40- (or 64-) character lowercase hex commit id`);
  checkArchitectures(d, errors);
  if (errors.list.length > before) return undefined;
  // A malformed maintainer is reported but does not hide the entry's tags from answers.
  // Most entries only inherit the global maintainers, which are parsed once.
  const maintainers = p.fields.has('Maintainers') ? parseMaintainers(d.maintainers, at('Maintainers'), errors) : globalMaintainers;

  const archValues: Partial<Record<BashbrewArch, ArchValues>> = {};
  for (const [arch, values] of d.archValues) {
    const v: Partial<Record<ArchField, string>> = Object.fromEntries(values);
    if (v.Directory) v.Directory = posix.normalize(v.Directory).replace(/(.)\/$/, '$1');
    archValues[arch] = v;
  }
  return {
    tags: d.tags,
    sharedTags: uniqueInOrder(d.sharedTags),
    architectures: [...new Set(d.architectures as BashbrewArch[])].sort(),
    gitRepo: d.gitRepo,
    gitFetch: d.gitFetch,
    gitCommit: d.gitCommit,
    // Go's path.Clean: "1.5/ppc64le/" -> "1.5/ppc64le", "" -> ".".
    directory: posix.normalize(d.directory || '.').replace(/(.)\/$/, '$1'),
    file: d.file,
    builder: d.builder,
    constraints: d.constraints,
    maintainers,
    archValues,
    line: p.line,
  };
}

function checkDuplicates(
  entry: ManifestEntry,
  entries: readonly ManifestEntry[],
  tagOwner: ReadonlyMap<string, number>,
  sharedTagOwner: ReadonlyMap<string, number>,
  errors: ErrorSink,
): boolean {
  const before = errors.list.length;
  const own = new Set<string>();
  const where = (i: number) => `the entry at line ${entries[i]?.line ?? '?'}`;
  for (const t of entry.tags) {
    if (own.has(t)) errors.add(entry.line, `tag '${t}' is listed twice in this entry`);
    own.add(t);
    const owner = tagOwner.get(t);
    if (owner !== undefined) errors.add(entry.line, `includes duplicate tag '${t}' (already a tag of ${where(owner)})`);
    const shared = sharedTagOwner.get(t);
    if (shared !== undefined) errors.add(entry.line, `tag '${t}' is already a shared tag of ${where(shared)}`);
  }
  for (const t of entry.sharedTags) {
    if (own.has(t)) errors.add(entry.line, `shared tag '${t}' repeats one of this entry's tags`);
    const owner = tagOwner.get(t);
    if (owner !== undefined) errors.add(entry.line, `shared tag '${t}' is already a tag of ${where(owner)}`);
  }
  return errors.list.length === before;
}

function buildInputsKey(e: ManifestEntry): string {
  const arch = Object.entries(e.archValues)
    .map(([a, v]) => [a, Object.entries(v ?? {}).sort(([x], [y]) => (x < y ? -1 : 1))] as const)
    .sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify([e.architectures, e.gitRepo, e.gitFetch, e.gitCommit, e.directory, e.file, e.builder, e.constraints, arch]);
}

function uniqueInOrder(items: readonly string[]): string[] {
  return [...new Set(items)];
}
