/**
 * Question text -> cleaned words: case folded, the bot's name dropped, punctuation around words
 * trimmed, obvious typos of intent words repaired ("lastest" -> "latest").
 */
import { typoDistance } from '../catalog/catalog.js';
import { COMMON_WORDS, KEYWORDS } from './vocabulary.js';

export interface Word {
  /** Lower case, with typos of known keywords repaired. */
  readonly text: string;
  /** As typed (minus surrounding punctuation): tags are case-sensitive ("8.5.10RC1"). */
  readonly raw: string;
}

/** Longest question worth reading word by word. */
const MAX_WORDS = 60;
const DEFAULT_BOT_NAMES = ['doi-bot', 'doibot', 'doi_bot'];
const GREETINGS = new Set(['hey', 'hi', 'hello', 'yo', 'ok', 'okay', 'so', 'please', 'pls']);

/** `isName` protects words that are names (images) from keyword repair. */
export function questionWords(text: string, botNames: readonly string[] = [], isName: (word: string) => boolean = () => false): Word[] {
  const names = new Set([...DEFAULT_BOT_NAMES, ...botNames.map((n) => n.toLowerCase())]);
  const cleaned = text
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/[‘’]/g, "'")
    .split(/\s+/)
    .slice(0, MAX_WORDS)
    .map((w) => w.replace(/^[("'`<*@[{]+/, '').replace(/[)"'`>*?!.,;:\]}]+$/, ''))
    .filter((w) => w.length > 0 && !/^[?!.,;:]+$/.test(w));
  const isBotName = (w: string | undefined) => w !== undefined && names.has(w.toLowerCase());
  // The bot's name at the start ("doi-bot, ...", "hey doi-bot ...") or the end ("..., doi-bot?").
  let start = 0;
  while (start < cleaned.length && (GREETINGS.has(cleaned[start]!.toLowerCase()) || isBotName(cleaned[start])) && cleaned.slice(start).some(isBotName)) start++;
  let end = cleaned.length;
  while (end > start && isBotName(cleaned[end - 1])) end--;
  return cleaned.slice(start, end).map((raw) => {
    const lower = raw.toLowerCase();
    return { raw, text: isName(lower) ? lower : repairKeyword(lower) };
  });
}

/** "avaliable" -> "available": one slip in a long keyword (two in a very long one). */
function repairKeyword(word: string): string {
  if (word.length < 5 || COMMON_WORDS.has(word) || /[\d:/#.']/.test(word)) return word;
  return uniqueClosest(word, KEYWORDS, word.length >= 9 ? 2 : 1) ?? word;
}

/** The one candidate within `allowed` typo steps of `word` that is closer than any other. */
export function uniqueClosest(word: string, candidates: readonly string[], allowed: number): string | undefined {
  let best: string | undefined;
  let bestDistance = allowed + 1;
  let tie = false;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > allowed) continue;
    const d = typoDistance(word, candidate, allowed);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}
