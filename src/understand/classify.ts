/**
 * The free-form intent classifier: an addressed question -> `Understood`. Pure and synchronous;
 * the catalog is passed in. Rules are tried in order, most specific first; the first that fits
 * wins, and anything else is `unknown` (never a guess about some image).
 */
import { ARCH_ALIASES, type BashbrewArch } from '../catalog/arch.js';
import { normaliseVersion } from '../prs/pure.js';
import { mistypedCommand } from './mistyped-command.js';
import { findImage, type CatalogView, type ImageFound } from './image-match.js';
import { TOPIC_RULES } from './topics.js';
import { TAG_FILTERS, type Intent, type TagFilter, type Understood } from './types.js';
import { ARCH_PHRASES, WEAK_ARCH_WORDS } from './vocabulary.js';
import { questionWords, type Word } from './words.js';

export interface ClassifyOptions {
  /** The bot's current names besides "doi-bot" (an IRC nick after a collision). */
  readonly botNames?: readonly string[];
  /** The official-images repository, for PR links ("owner/name"). */
  readonly prRepo?: string;
  /** Whether the knowledge base has an entry for a question that names no image. */
  readonly knowledge?: (text: string) => boolean;
  /** The command name a word is a typo of, if any ("tags" for "tgas"). */
  readonly nearCommand?: (word: string) => string | undefined;
}

/** What the rules look at: the cleaned words, their joined text, and the facts found in them. */
export interface Question {
  readonly words: readonly Word[];
  /** Cleaned lower-case words joined by single spaces. */
  readonly text: string;
  readonly found: ImageFound;
  readonly arch: BashbrewArch | undefined;
  readonly archWords: boolean;
  readonly filter: TagFilter | undefined;
  readonly pr: number | undefined;
  readonly knowledge: ((text: string) => boolean) | undefined;
}

export function classify(input: string, catalog: CatalogView | undefined, opts: ClassifyOptions = {}): Understood {
  const words = questionWords(input, opts.botNames, (w) => catalog?.image(w) !== undefined);
  if (!words.length) return { intent: 'unknown' };
  const slip = opts.nearCommand && mistypedCommand(input, words, opts.nearCommand, (w) => catalog?.image(w) !== undefined);
  if (slip) return { intent: 'mistyped-command', ...slip };
  const q = question(words, catalog, opts);
  return decide(q) ?? { intent: 'unknown' };
}

function question(words: readonly Word[], catalog: CatalogView | undefined, opts: ClassifyOptions): Question {
  const text = words.map((w) => w.text).join(' ');
  const found = catalog ? findImage(words, catalog) : {};
  const archWords = ARCH_CONTEXT.test(text);
  let arch: BashbrewArch | undefined;
  for (const w of words) {
    const a = ARCH_ALIASES[w.text];
    if (a && (!WEAK_ARCH_WORDS.has(w.text) || archWords)) {
      arch = a;
      break;
    }
  }
  arch ??= ARCH_PHRASES.find((p) => p.pattern.test(text))?.arch;
  const filter = (TAG_FILTERS as readonly string[]).find((f) => f !== found.image && words.some((w, i) => i !== found.at && (w.text === f || w.text === `${f}-based`))) as TagFilter | undefined;
  return { words, text, found, arch, archWords, filter, pr: prNumber(text, opts.prRepo ?? 'docker-library/official-images'), knowledge: opts.knowledge };
}

const ARCH_CONTEXT = /\b(arch(itecture)?s?|platforms?|multi-?arch|runs? on|run it on|work on|works on|built for|build for|available (for|on)|support(s|ed)? on|supported (for|on)|aarch64|arm64|riscv64|s390x|ppc64le|amd64|x86_64)\b/;
const CVE = /\bcve-\d{4}-\d{3,}\b|\bghsa-[\w-]+\b|\bvulnerab\w*|\bcves?\b|\bsecurity (scan\w*|issues?|fix\w*|updates?|patch\w*|problems?|holes?)\b|\bscanners?\b|\btrivy\b|\bgrype\b|\bsnyk\b|\bclair\b|\bdocker scout\b|\bexploit\w*\b|\bpatched\b/;
const FUTURE = /\bwhen will\b|\bwill\b.*\b(be )?(available|out|released|published|ready)\b|\bbe (available|out|released|published|ready|there)\b|\bout yet\b|\beta\b|\bany news\b|\bcoming\b|\bwhen (is|does|do)\b.*\b(out|land|ship|arrive|released|available|come)\b|^is .* (out|released|available)( yet)?$|\bnot (out|available|released) yet\b|\bhow long until\b|\bexpect\b|\bwhen can (i|we)\b/;
const LAST_PUBLISHED = /\blast (published|pushed|updated|built|update|push|build|release|rebuilt|rebuild)\b|\bwhen was\b.*\b(published|pushed|updated|built|released|rebuilt|refreshed)\b|\bhow old\b|\bwhen did\b.*\b(update|publish|push|build|rebuil\w*)\b|\bpublish(ed)? date\b|\bage of\b|\bhow (recent|fresh)\b|\bupdated recently\b|\bmost recent (push|build|update)\b/;
const GONE = /\bgone\b|\bwhere did\b.*\bgo\b|\bcan'?t find\b|\bcannot find\b|\bremoved\b|\bdisappeared\b|\bmissing\b|\bdeleted\b|\bdrop(ped|s)?\b|\bno longer\b|\bany ?more\b|\bvanished\b|\bwhat happened to\b|\bnot found\b|\bmanifest unknown\b|\bstill (supported|maintained|updated)\b|\bend of life\b|\beol\b|\bunmaintained\b/;
const DEPRECATED = /\bdeprecat\w*|\breplace(s|d|ment|ments)?\b|\balternatives?\b|\binstead of\b|\bsuccessor\b|\bstill maintained\b|\bunmaintained\b|\babandoned\b|\bdiscontinued\b|\bend of life\b|\beol\b|\bretired\b|\bdead\b|\bsupersede\w*/;
const LATEST = /\b(latest|newest|most recent|highest|current) (version|release|stable|one|tag)\b|\b(latest|newest|current)\b|\bwhat version (of|is)\b|\bwhich version (of|is)\b/;
const TAGS = /\btags\b|\bversions\b|\bvariants?\b|\bflavou?rs?\b|\btag list\b|\blist (of )?tags\b/;
const FILTER_QUESTION = /\b(which|what|is there|are there|any|list|have|has|show|get|give|available|exist|exists)\b/;
const WHAT = /\bwhat('s| is| are)?\b|\btell me\b|\babout\b|\binfo\b|\bdescribe\b|\bexplain\b|\bwho (maintains|owns|makes)\b|\bmaintainers?\b|\bwhich\b/;

/** The rules after the topic rules, in order. Each returns an answer or undefined (not mine). */
function decide(q: Question): Understood | undefined {
  const { found, text } = q;
  if (q.pr !== undefined) return { intent: 'pr', pr: q.pr };
  for (const rule of TOPIC_RULES) {
    if (rule.pattern.test(text) && (!rule.onlyWithoutImage || !found.image)) return withImage(rule.intent, found, rule.keepsImage);
  }
  // Only questions that name no image: a catalog question is never taken by a knowledge entry.
  if (!found.image && found.unknownImage === undefined && q.knowledge?.(text)) return { intent: 'knowledge' };
  if (!found.image) return found.unknownImage !== undefined && q.words.length <= 12 ? { intent: 'unknown', unknownImage: found.unknownImage } : undefined;
  const image = found.image;
  const tag = found.tag;

  if (CVE.test(text)) return strip({ intent: 'cve', image, tag });
  if (GONE.test(text) && (tag ?? anyVersion(q)) !== undefined && !FUTURE.test(text)) return { intent: 'tag-gone', image, tag: tag ?? anyVersion(q)! };
  if (DEPRECATED.test(text) && tag === undefined) return { intent: 'deprecated', image };
  const version = found.versionAfter ?? (found.tag === undefined ? anyVersion(q) : undefined);
  if (FUTURE.test(text) && version !== undefined && normaliseVersion(version) && !(q.arch && tag)) {
    return { intent: 'when', image, version: normaliseVersion(version)! };
  }
  if (LAST_PUBLISHED.test(text)) return strip({ intent: 'last-published', image, tag });
  if (q.arch || q.archWords) return strip({ intent: 'arches', image, tag, arch: q.arch });
  if (tag === undefined && LATEST.test(text) && !TAGS.test(text.replace(/\b(latest|newest) (tags?|versions?)\b/, ''))) {
    return strip({ intent: 'latest-version', image, filter: q.filter });
  }
  if (tag === undefined && (TAGS.test(text) || (q.filter && FILTER_QUESTION.test(text)))) return strip({ intent: 'tags', image, filter: q.filter });
  if (tag !== undefined) return { intent: 'tag', image, tag };
  if (WHAT.test(text) || q.words.length <= 2) return { intent: 'image-info', image };
  return undefined;
}

function withImage(intent: Intent, found: ImageFound, keepsImage: boolean | undefined): Understood {
  return keepsImage && found.image ? strip({ intent, image: found.image, tag: found.tag }) : { intent };
}

/** The first word that reads as a version, other than the image name ("why did python drop 3.8"). */
function anyVersion(q: Question): string | undefined {
  return q.words.find((w, i) => i !== q.found.at && /^v?\d+(\.\d+)*(-[\w.]+)?$/.test(w.text) && !/^\d{5,}$/.test(w.text))?.raw.replace(/^v(?=\d)/, '');
}

/** Drops fields that are undefined, so results compare cleanly. */
function strip(u: { intent: Intent; image?: string | undefined; tag?: string | undefined; arch?: BashbrewArch | undefined; filter?: TagFilter | undefined }): Understood {
  return Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)) as unknown as Understood;
}

/** "#12345", "pr 12345", "pull request 12345", an official-images PR link. */
function prNumber(text: string, repo: string): number | undefined {
  const url = /github\.com\/([\w.-]+\/[\w.-]+)\/pull\/(\d{1,7})\b/.exec(text);
  if (url) return url[1] === repo.toLowerCase() ? Number(url[2]) : undefined;
  const m = /(?:^|\s)#(\d{1,7})\b|\b(?:pr|pull request|pull)\s*#?(\d{1,7})\b/.exec(text);
  return m ? Number(m[1] ?? m[2]) : undefined;
}
