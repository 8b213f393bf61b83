/**
 * From paragraphs to entries, as bashbrew does it: the global paragraph's values are inherited
 * and overlaid by each entry's (lists replaced, Maintainers and Constraints appended), then the
 * result is validated field by field. A bad entry is reported and left out.
 */
import { posix } from 'node:path';
import { ARCHITECTURES, isBashbrewArch, type BashbrewArch } from './arch.js';
import {
  ARCH_FIELDS,
  MANIFEST_LIMITS,
  entryFieldOf,
  preview,
  type ArchField,
  type ArchValues,
  type EntryField,
  type ErrorSink,
  type Maintainer,
  type ManifestEntry,
} from './manifest-model.js';
import type { Paragraph } from './manifest-paragraphs.js';

const TAG = /^\w[\w.-]{0,127}$/;
const GIT_COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const GIT_FETCH = /^refs\/(heads|tags)\/[^*?:]+$/;
const MAINTAINER = /^([^\s<>()][^<>()]*)(?:\s+<([^\s<>()]+)>)?\s+[(]@([^\s<>()]+)[)]$/;
const LIST_FIELDS = new Set(['Maintainers', 'Tags', 'SharedTags', 'Architectures', 'Constraints']);
const KNOWN_ARCHES = Object.keys(ARCHITECTURES).join(', ');

/** A mutable entry while inheriting; frozen into a ManifestEntry once valid. */
export type Draft = Record<EntryField, string> & {
  maintainers: string[];
  tags: string[];
  sharedTags: string[];
  architectures: string[];
  constraints: string[];
  archValues: Map<BashbrewArch, Map<ArchField, string>>;
  /** Where each value came from, so an error points at the line that set it. */
  lines: Map<string, number>;
};

export function defaultDraft(): Draft {
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

/** An entry's starting point: the global draft's values, with no tags of its own. */
export function cloneDraft(d: Draft): Draft {
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

function isArchField(key: string): key is ArchField {
  return (ARCH_FIELDS as readonly string[]).includes(key);
}

/** Overlays a paragraph; `global` is null for the global paragraph itself. */
export function applyParagraph(d: Draft, p: Paragraph, global: Draft | null): void {
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
      default: {
        if (isArchField(key)) {
          d[entryFieldOf(key)] = value;
          break;
        }
        const archKey = splitArchKey(key);
        // Keys for unknown architectures are kept by bashbrew but never looked up: ignore them.
        if (!archKey) continue;
        let values = d.archValues.get(archKey.arch);
        if (!values) d.archValues.set(archKey.arch, (values = new Map<ArchField, string>()));
        values.set(archKey.field, value);
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

export function parseMaintainers(items: readonly string[], line: number, errors: ErrorSink): Maintainer[] {
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

export function checkArchitectures(d: Draft, errors: ErrorSink): boolean {
  let ok = true;
  for (const a of d.architectures) {
    if (!isBashbrewArch(a)) {
      errors.add(d.lines.get('Architectures') ?? 0, `unknown architecture '${preview(a)}' (known: ${KNOWN_ARCHES})`);
      ok = false;
    }
  }
  return ok;
}

/** Go's path.Clean without the trailing slash: "1.5/ppc64le/" -> "1.5/ppc64le", "" -> ".". */
function cleanDirectory(directory: string): string {
  return posix.normalize(directory || '.').replace(/(.)\/$/, '$1');
}

/** The entry a draft stands for, or undefined (with its errors reported) when it is not valid. */
export function validateEntry(d: Draft, p: Paragraph, globalMaintainers: readonly Maintainer[], errors: ErrorSink): ManifestEntry | undefined {
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
    if (v.Directory) v.Directory = cleanDirectory(v.Directory);
    archValues[arch] = v;
  }
  return {
    tags: d.tags,
    sharedTags: uniqueInOrder(d.sharedTags),
    architectures: [...new Set(d.architectures as BashbrewArch[])].sort(),
    gitRepo: d.gitRepo,
    gitFetch: d.gitFetch,
    gitCommit: d.gitCommit,
    directory: cleanDirectory(d.directory),
    file: d.file,
    builder: d.builder,
    constraints: d.constraints,
    maintainers,
    archValues,
    line: p.line,
  };
}

export function uniqueInOrder(items: readonly string[]): string[] {
  return [...new Set(items)];
}
