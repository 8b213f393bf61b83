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
import { ErrorSink, MANIFEST_LIMITS, ManifestError, type Manifest, type ManifestEntry, type ManifestParseResult } from './manifest-model.js';
import { readParagraphs } from './manifest-paragraphs.js';
import { applyParagraph, checkArchitectures, cloneDraft, defaultDraft, parseMaintainers, uniqueInOrder, validateEntry } from './manifest-entry.js';

export {
  ARCH_FIELDS,
  MANIFEST_LIMITS,
  ManifestError,
  archValue,
  type ArchField,
  type Maintainer,
  type Manifest,
  type ManifestEntry,
  type ManifestParseResult,
} from './manifest-model.js';
export { splitArchKey } from './manifest-entry.js';

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
