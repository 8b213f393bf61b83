/**
 * What an image's docs `deprecated.md` says, reduced to what fits in a chat answer: its first
 * sentence and the alternatives it names.
 */

const HUB_LINK = /https:\/\/hub\.docker\.com\/(?:_\/([a-z0-9][a-z0-9._-]*)|r\/([a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*))/g;
const CODE_SPAN = /`([^`\s]{1,80})`/g;
const IMAGE_REF = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)?(?::[\w][\w.-]*)?$/;

/**
 * The images a deprecation notice points to, in the order it names them: Docker Hub links
 * (`/_/eclipse-temurin`, `/r/rockylinux/rockylinux`) and code spans that name another official
 * image, an `owner/name` image, or a tag of the image itself (`amazonlinux:2023`).
 */
export function deprecationAlternatives(image: string, markdown: string, isOfficialImage: (name: string) => boolean): string[] {
  const found: { at: number; name: string }[] = [];
  for (const m of markdown.matchAll(HUB_LINK)) found.push({ at: m.index, name: m[1] ?? m[2]! });
  for (const m of markdown.matchAll(CODE_SPAN)) {
    const ref = m[1]!;
    if (!IMAGE_REF.test(ref)) continue;
    const [name = '', tag] = ref.split(':');
    const useful = name.includes('/') || (name === image ? tag !== undefined : isOfficialImage(name));
    if (useful) found.push({ at: m.index, name: ref });
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.name))].filter((n) => n !== image);
}

/** The first sentence of a Markdown notice, without link or heading markup, at most `max` characters. */
export function firstSentence(markdown: string, max = 200): string {
  const plain = markdown
    .replace(/^#+\s.*$/gm, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const end = plain.search(/[.!?](\s|$)/);
  const sentence = end >= 0 ? plain.slice(0, end + 1) : plain;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

/** "Deprecated: <first sentence> Alternatives: a, b, c." for an image's own answer. */
export function deprecationSummary(image: { readonly deprecation?: string | undefined; readonly deprecationAlternatives: readonly string[] }): string {
  const sentence = firstSentence(image.deprecation ?? '', 150);
  const alternatives = image.deprecationAlternatives;
  const shown = alternatives.length > 6 ? `${alternatives.slice(0, 6).join(', ')} and ${alternatives.length - 6} more` : alternatives.join(', ');
  return `Deprecated: ${sentence}${alternatives.length ? ` Alternatives: ${shown}.` : ''}`;
}
