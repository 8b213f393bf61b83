/**
 * Version-shaped tags ("3.14", "3.14.7-slim", "18-alpine"): their release line and what the
 * manifest holds now for a line, so answers can name what replaced a tag or a version.
 */

const VERSIONED = /^(\d+(?:\.\d+)*)(.*)$/;

export interface VersionedTag {
  /** [3, 14, 7] */
  readonly parts: readonly number[];
  /** What follows the numbers: "-slim", "rc1-trixie", "". */
  readonly suffix: string;
}

export function parseVersionedTag(tag: string): VersionedTag | undefined {
  const m = VERSIONED.exec(tag);
  if (!m) return undefined;
  const parts = m[1]!.split('.').map(Number);
  return parts.every(Number.isSafeInteger) ? { parts, suffix: m[2]! } : undefined;
}

export function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The current tags of the same line and shape as a tag that left, newest first: python 3.8 ->
 * 3.14, 3.13, ...; 3.8-slim -> 3.14-slim, ...; node 18 -> 25, 24, ...; a line that ended
 * entirely (python 2.7) -> the newest of the same shape (3.14, ...). Empty when the tag is not
 * version-shaped or nothing matches.
 */
export function sameLineTags(current: readonly string[], gone: string): string[] {
  const v = parseVersionedTag(gone);
  if (!v) return [];
  const parent = v.parts.slice(0, -1);
  const sameShape = current
    .map((t) => ({ t, p: parseVersionedTag(t) }))
    .filter((x): x is { t: string; p: VersionedTag } => x.p !== undefined && x.p.suffix === v.suffix && x.p.parts.length === v.parts.length)
    .sort((a, b) => compareParts(b.p.parts, a.p.parts));
  const sameLine = sameShape.filter((x) => parent.every((n, i) => x.p.parts[i] === n));
  // A whole line that ended (python 2.7): the newest tags of the same shape replace it.
  return (sameLine.length ? sameLine : sameShape).map((x) => x.t);
}

/**
 * The newest version of the same release line the manifest holds, when it is newer than the
 * one asked about: 3.14.2 with "3.14.7" in the manifest -> "3.14.7". Plain versions only.
 */
export function newerInLine(current: readonly string[], version: string): string | undefined {
  const v = parseVersionedTag(version);
  if (!v || v.suffix !== '' || v.parts.length < 2) return undefined;
  const parent = v.parts.slice(0, -1);
  const newest = sameLineTags(current, version).find((t) => parent.every((n, i) => parseVersionedTag(t)!.parts[i] === n));
  return newest !== undefined && compareParts(parseVersionedTag(newest)!.parts, v.parts) > 0 ? newest : undefined;
}
