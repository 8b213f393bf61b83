/**
 * "Short, key fact first": every catalog answer (`image`, `tags`, `tag`, `arches`) about the real
 * manifests of the bundled snapshot fits in two IRC messages in a channel, as the IRC adapter
 * renders and splits them, with the key fact in line 1. Docker Hub (the local fake) knows every
 * tag asked about, published on all but one architecture, so the Hub part is as long as it gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRichText } from '../../../adapters/irc/render.js';
import { maxTextBytes, splitUtf8 } from '../../../adapters/irc/split.js';
import { ARCHITECTURES } from '../../../src/catalog/arch.js';
import type { Catalog } from '../../../src/catalog/catalog.js';
import { startCatalogApp, type CatalogApp } from '../../support/catalog-app.js';

let t: CatalogApp;
let catalog: Catalog;

/** A long-ish channel name, so the budget is not measured on the easiest case. */
const BUDGET = maxTextBytes('doi-bot', '#docker-library-official-images');

beforeAll(async () => {
  t = await startCatalogApp({ userCommandsPerMinute: 1_000_000 });
  catalog = await t.app.catalog.get();
}, 60_000);
afterAll(() => t.close());

/** The IRC messages one answer becomes in a channel. */
async function ircLines(text: string): Promise<string[]> {
  await t.ask(text);
  return renderRichText(t.chat.sent.at(-1)!.body, { colors: true }).flatMap((l) => splitUtf8(l, BUDGET));
}

function publishAllButOne(image: string, tag: string): void {
  const arches = catalog.tag(image, tag)!.architectures;
  t.hub.world.setTag(image, tag, {
    digest: `sha256:${'d'.repeat(64)}`,
    lastUpdated: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    images: arches.slice(1).map((a, i) => {
      const p = ARCHITECTURES[a] as { os: string; architecture: string; variant?: string };
      return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}), digest: `sha256:${String(i).repeat(64)}` };
    }),
  });
}

describe('catalog answers fit in two IRC lines', { timeout: 240_000 }, () => {
  it('tag and arches: the first tag of every entry and every shared tag of every image', async () => {
    const over: string[] = [];
    let asked = 0;
    for (const name of catalog.names()) {
      const image = catalog.image(name)!;
      const tags = [...image.entries.map((e) => e.tags[0]!), ...image.sharedTags];
      for (const tag of tags) {
        publishAllButOne(name, tag);
        const lines = await ircLines(`tag ${name}:${tag}`);
        asked++;
        if (lines.length > 2) over.push(`tag ${name}:${tag} -> ${lines.length} lines`);
        // Line 1 carries the key fact: what it is built from (commit), or the entries a shared tag combines.
        if (!/ at [0-9a-f]{7}\b/.test(lines[0]!)) over.push(`tag ${name}:${tag}: no commit in line 1: ${lines[0]}`);
      }
      for (const tag of tags.slice(0, 3)) {
        const lines = await ircLines(`arches ${name}:${tag}`);
        asked++;
        if (lines.length > 2) over.push(`arches ${name}:${tag} -> ${lines.length} lines`);
      }
    }
    expect(asked).toBeGreaterThan(2000);
    expect(over).toEqual([]);
  });

  it('image and tags, for every image', async () => {
    const over: string[] = [];
    for (const name of catalog.names()) {
      for (const q of [`image ${name}`, `tags ${name}`, `tags ${name} *a*`]) {
        const lines = await ircLines(q);
        if (lines.length > 2) over.push(`${q} -> ${lines.length} lines`);
      }
      const image = catalog.image(name)!;
      const first = (await ircLines(`tags ${name}`))[0]!;
      // Key fact first: the tag count; a list cut short ends with a count.
      expect(first).toContain(`has ${image.tags.length} tags: `);
    }
    expect(over).toEqual([]);
  });
});
