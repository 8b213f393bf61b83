/**
 * Pure: what a change to library/<image> means for Docker Hub: which tags get a new build on
 * which architectures, and whether that is a new version (new tags) or a rebuild (same tags,
 * new commit or build inputs).
 */
import { archValue, ARCH_FIELDS, parseManifest, type Manifest } from '../catalog/manifest.js';
import type { PublishReason } from '../core/events.js';

export interface LibraryChange {
  /** [tag, arches] in manifest order: the tags to wait for on Hub. */
  readonly tags: readonly (readonly [string, readonly string[]])[];
  readonly newTags: readonly string[];
  readonly reason: PublishReason;
}

export type LibraryChangeResult = { readonly ok: true; readonly change: LibraryChange } | { readonly ok: false; readonly error: string };

/** tag -> arch -> build-input signature (tags shared between entries collect every entry's arches). */
function buildInputs(m: Manifest): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const entry of m.entries) {
    for (const tag of [...entry.tags, ...entry.sharedTags]) {
      let arches = out.get(tag);
      if (!arches) out.set(tag, (arches = new Map<string, string>()));
      for (const arch of entry.architectures) {
        const sig = ARCH_FIELDS.map((f) => archValue(entry, arch, f)).join('\u0000') + `\u0000${entry.constraints.join(',')}`;
        arches.set(arch, sig);
      }
    }
  }
  return out;
}

export function diffLibraryFile(image: string, before: string | undefined, after: string | undefined): LibraryChangeResult {
  if (after === undefined) return { ok: true, change: { tags: [], newTags: [], reason: 'unknown' } };
  const next = parseManifest(image, after);
  if (next.errors.length) return { ok: false, error: `could not parse library/${image}: ${next.errors[0]!.message}` };
  // An unparseable old file makes every tag look new; say "unknown" rather than guess a release.
  const prev = before === undefined ? undefined : parseManifest(image, before);
  const prevUsable = prev && prev.errors.length === 0 ? buildInputs(prev.manifest) : undefined;
  const nextInputs = buildInputs(next.manifest);
  const tags: [string, string[]][] = [];
  const newTags: string[] = [];
  for (const [tag, arches] of nextInputs) {
    const old = prevUsable?.get(tag);
    if (prevUsable && !old) newTags.push(tag);
    const changed = [...arches].filter(([arch, sig]) => old?.get(arch) !== sig).map(([arch]) => arch);
    if (changed.length) tags.push([tag, changed.sort()]);
  }
  const reason: PublishReason = !prevUsable ? (before === undefined ? 'new-version' : 'unknown') : newTags.length ? 'new-version' : 'rebuild';
  return { ok: true, change: { tags, newTags: before === undefined ? tags.map(([t]) => t) : newTags, reason } };
}
