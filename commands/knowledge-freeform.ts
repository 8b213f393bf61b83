import { rt, type Inline, type RichText } from '../src/core/richtext.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import type { KnowledgeAnswer } from '../src/knowledge/base.js';
import type { Intent } from '../src/understand/types.js';
import { LINE_BUDGET, lineBytes } from './chat-fit.js';

/** Intents whose image-less questions the knowledge base may answer; catalog intents never. */
const GENERAL: ReadonlySet<Intent> = new Set(['knowledge', 'trust', 'proposals', 'cve', 'unknown']);

/** Two lines: the answer (one line, checked at start), then as many source links as fit whole. */
export function renderKnowledge(k: KnowledgeAnswer): RichText {
  const links: Inline[] = [rt.text('Source: '), rt.link(k.sources[0]!)];
  for (const url of k.sources.slice(1)) {
    const next = [...links, rt.text(' · '), rt.link(url)];
    if (lineBytes(next) > LINE_BUDGET) break;
    links.push(rt.text(' · '), rt.link(url));
  }
  return rt.of(rt.line(k.answer), links);
}

/**
 * General DOI questions (Content Trust, signing, proposing an image, CVE scanners, moved digests,
 * rate limits, ...), from the knowledge base, when the question names no image.
 */
export const knowledgeQuestions: FreeformHandler = {
  name: 'knowledge',
  async tryAnswer(ctx, text, u) {
    const kb = ctx.services.knowledge;
    if (!kb || u.image !== undefined || u.unknownImage !== undefined || !GENERAL.has(u.intent)) return undefined;
    const hit = kb.match(text, ctx.clock.now());
    return hit ? renderKnowledge(hit) : undefined;
  },
};
