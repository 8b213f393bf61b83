import { beforeAll, describe, expect, it } from 'vitest';
import { maxTextBytes } from '../../../adapters/irc/split.js';
import { renderRichText } from '../../../adapters/irc/render.js';
import { freeformHandlers } from '../../../commands/index.js';
import { renderTrust } from '../../../commands/trust.js';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { toPlainText } from '../../../src/core/richtext.js';
import { classify } from '../../../src/understand/classify.js';
import type { CommandContext } from '../../../src/dispatch/command.js';
import { loadDctFacts } from '../../../src/knowledge/dct.js';
import { loadBotData } from '../../../src/load-data.js';
import type { TrustLookup, TrustReport } from '../../../src/registry/types.js';
import { commandContext } from '../../support/command-context.js';

let catalog: Catalog;
const asked: string[] = [];
const DIGEST = `sha256:${'ab'.repeat(32)}`;
/** A registry where every tag is a two-platform BuildKit image; records what `trust` asked. */
const registry: TrustLookup = {
  lookup: async (image, tag) => {
    asked.push(`${image}:${tag}`);
    return {
      image,
      tag,
      digest: DIGEST,
      platforms: [
        { platform: 'linux/amd64', sbom: true, provenance: true },
        { platform: 'linux/arm64/v8', sbom: true, provenance: true },
      ],
    };
  },
};

const { knowledge } = loadBotData();

beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

function ctx(text: string): CommandContext {
  return commandContext(text, { catalog: { get: async () => catalog }, trust: registry, knowledge });
}

/** The handler that answers, in the dispatcher's order, and what the registry was asked. */
async function route(text: string): Promise<{ handler: string | undefined; asked: string[] }> {
  asked.length = 0;
  for (const handler of freeformHandlers) {
    const reply = await handler.tryAnswer(ctx(text), text, classify(text, catalog)).catch(() => undefined);
    if (reply !== undefined) return { handler: handler.name, asked: [...asked] };
  }
  return { handler: undefined, asked: [] };
}

describe('free-form questions about signing and attestations', () => {
  it.each([
    ['is python:3.13 signed?', 'python:3.13'],
    ['does node:22 have an SBOM?', 'node:22'],
    ['how do I verify nginx?', 'nginx:latest'],
    ['does debian:trixie carry provenance attestations', 'debian:trixie'],
    ['is the redis image signed with cosign?', 'redis:latest'],
    ['can I still use docker content trust with postgres:17?', 'postgres:17'],
  ])('"%s" -> trust %s', async (text, ref) => {
    expect(await route(text)).toEqual({ handler: 'trust', asked: [ref] });
  });

  it.each(['what is python:3.13?', 'does node:22-alpine run on arm64?', 'is my lunch signed?'])('"%s" is not a trust question', async (text) => {
    expect((await route(text)).handler).not.toBe('trust');
    expect(asked).toEqual([]);
  });
});

describe('the trust answer', () => {
  const dct = loadDctFacts();
  const longTag = '3.15.0rc1-windowsservercore-ltsc2022';
  const report: TrustReport = {
    image: 'python',
    tag: longTag,
    digest: DIGEST,
    platforms: [
      { platform: 'linux/amd64', sbom: true, provenance: true },
      { platform: 'linux/arm/v7', sbom: undefined, provenance: undefined },
      { platform: 'windows/amd64', sbom: false, provenance: false },
      { platform: 'windows/amd64', sbom: false, provenance: false },
    ],
    unknown: 'Docker Hub pull limit nearly used up (2 left)',
  };

  it('fits two IRC lines in a channel even with a long tag and every clause, and keeps the digest whole', () => {
    const info = catalog.tag('python', '3.13')!;
    const lines = renderRichText(renderTrust(report, info, dct, Date.parse('2026-12-03T00:00:00Z')), { colors: true });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(maxTextBytes('doi-bot', '#docker-library'));
    expect(lines[0]).toContain('SBOM+provenance on 1/4 platforms; none on windows/amd64 x2; 1 unknown (Docker Hub pull limit nearly used up (2 left)).');
    expect(lines[1]).toContain(`pin: python:${longTag}@${DIGEST}`);
  });

  it('speaks of the Notary shutdown in the past once the day has come', () => {
    const info = catalog.tag('python', '3.13')!;
    const after = toPlainText(renderTrust(report, info, dct, Date.parse(`${dct.notaryShutdown}T12:00:00Z`)));
    expect(after).toContain(`notary.docker.io was shut down on ${dct.notaryShutdown}`);
  });
});
