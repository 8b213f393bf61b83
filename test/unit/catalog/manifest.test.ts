import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { archValue, ManifestError, parseManifest, parseManifestStrict, splitArchKey } from '../../../src/catalog/manifest.js';
import { projectRoot } from '../../../src/paths.js';

const LIBRARY = join(projectRoot(), 'assets', 'snapshot', 'library');
const read = (image: string) => readFileSync(join(LIBRARY, image), 'utf8');
const names = readdirSync(LIBRARY).sort();

/**
 * An independent count, deliberately naive: drop comment lines, split paragraphs at empty
 * lines, and count the paragraphs with a `Tags:` line and the comma-separated values on it.
 * (No real file coalesces entries or continues a Tags line, which this relies on.)
 */
function naiveCounts(text: string): { entries: number; tags: number; sharedTags: Set<string> } {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  let entries = 0;
  let tags = 0;
  const sharedTags = new Set<string>();
  for (const para of lines.join('\n').split(/\n(?:\r?\n)+/)) {
    const tagLine = para.split('\n').find((l) => l.startsWith('Tags:'));
    if (tagLine) {
      entries++;
      tags += tagLine.slice(5).split(',').filter((t) => t.trim()).length;
    }
    const shared = para.split('\n').find((l) => l.startsWith('SharedTags:'));
    shared?.slice(11).split(',').forEach((t) => sharedTags.add(t.trim()));
  }
  return { entries, tags, sharedTags };
}

const MAINT = 'Maintainers: Jane Doe <jane@example.org> (@jane)';
const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

describe('real manifests (assets/snapshot/library, official-images 37079fb)', () => {
  it('has all 144 files', () => {
    expect(names).toHaveLength(144);
  });

  it.each(names)('%s parses without errors, entry and tag counts match an independent count', (image) => {
    const text = read(image);
    const { manifest, errors } = parseManifest(image, text);
    expect(errors.map(String)).toEqual([]);
    const naive = naiveCounts(text);
    expect(manifest.entries).toHaveLength(naive.entries);
    expect(manifest.entries.reduce((n, e) => n + e.tags.length, 0)).toBe(naive.tags);
    expect(new Set(manifest.entries.flatMap((e) => e.sharedTags))).toEqual(naive.sharedTags);
    expect(manifest.maintainers.length).toBeGreaterThan(0);
    for (const e of manifest.entries) {
      expect(e.gitCommit).toMatch(/^[0-9a-f]{40}$/);
      expect(e.architectures.length).toBeGreaterThan(0);
    }
  });

  it('totals match the snapshot statistics (2,121 entries, 9,474 tags; tomee 1,120 in 72)', () => {
    let entries = 0;
    let tags = 0;
    let withShared = 0;
    let withWindows = 0;
    for (const image of names) {
      const m = parseManifest(image, read(image)).manifest;
      entries += m.entries.length;
      tags += m.entries.reduce((n, e) => n + e.tags.length, 0);
      if (m.entries.some((e) => e.sharedTags.length)) withShared++;
      if (m.entries.some((e) => e.architectures.includes('windows-amd64'))) withWindows++;
    }
    expect({ entries, tags, withShared, withWindows }).toEqual({ entries: 2121, tags: 9474, withShared: 15, withWindows: 15 });
    const tomee = parseManifest('tomee', read('tomee')).manifest;
    expect([tomee.entries.length, tomee.entries.reduce((n, e) => n + e.tags.length, 0)]).toEqual([72, 1120]);
  });
});

describe('documented edge cases in the real files', () => {
  it.each(['redis', 'traefik', 'liquibase'])('%s has no trailing newline; its last field is still read', (image) => {
    const text = read(image);
    expect(text.endsWith('\n')).toBe(false);
    const lastLine = text.split('\n').at(-1)!;
    const [key, value] = [lastLine.slice(0, lastLine.indexOf(':')), lastLine.slice(lastLine.indexOf(':') + 1).trim()];
    const last = parseManifest(image, text).manifest.entries.at(-1)!;
    const fieldValue: Record<string, string> = { Directory: last.directory, GitCommit: last.gitCommit, GitFetch: last.gitFetch, File: last.file };
    expect(fieldValue[key]).toBe(value);
  });

  it('redis: the last entry keeps its Directory even without a final newline', () => {
    const last = parseManifest('redis', read('redis')).manifest.entries.at(-1)!;
    expect(last.directory).toBe('alpine');
    expect(last.gitFetch).toBe('refs/tags/v6.2.24');
  });

  it('sonarqube: TAB-indented continuation lines give 8 maintainers', () => {
    const m = parseManifest('sonarqube', read('sonarqube')).manifest;
    expect(read('sonarqube')).toContain('\n\tEmma Mansalier');
    expect(m.maintainers.map((x) => x.handle)).toEqual([
      'carminevassallo', 'emma44-m', 'hatem-amairi-sonarsource', 'jimil09', 'julienlancelot', 'lukasz-jarocki-sonarsource', 'matteo-mara-sonarsource', 'navyatejaotturu-sonarsource',
    ]);
    expect(m.maintainers[1]).toEqual({ name: 'Emma Mansalier', email: 'emma.mansalier@sonarsource.com', handle: 'emma44-m' });
  });

  it('hitch, orientdb, api-firewall: trailing whitespace is trimmed from values', () => {
    expect(read('hitch')).toContain('docker-hitch.git\t\n');
    expect(parseManifest('hitch', read('hitch')).manifest.entries[0]!.gitRepo).toBe('https://github.com/varnish/docker-hitch.git');
    expect(read('orientdb')).toMatch(/GitCommit: [0-9a-f]{40} \n/);
    for (const e of parseManifest('orientdb', read('orientdb')).manifest.entries) expect(e.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    const fw = parseManifest('api-firewall', read('api-firewall')).manifest;
    expect(fw.maintainers).toEqual([
      { name: 'Ivan Novikov', email: 'in@wallarm.com', handle: 'd0znpp' },
      { name: 'Nikolay Tkachenko', handle: 'afr1ka' },
    ]);
  });

  it('ubuntu: UTF-8 maintainer names, oci-import builder, per-entry per-arch GitFetch tags', () => {
    const m = parseManifest('ubuntu', read('ubuntu')).manifest;
    expect(m.maintainers.map((x) => x.name)).toEqual(['Tomáš Virtus', 'Cristóvão Cordeiro']);
    const jammy = m.entries.find((e) => e.tags.includes('jammy'))!;
    expect(jammy.builder).toBe('oci-import');
    expect(jammy.file).toBe('index.json');
    expect(jammy.directory).toBe('oci');
    expect(archValue(jammy, 'amd64', 'GitFetch')).toBe('refs/tags/dist-jammy-amd64-20260810-de4064a9');
    expect(archValue(jammy, 'amd64', 'GitCommit')).toBe('de4064a9284ec1e37b7c260b5e19f0c53e0b7aef');
    // Entry-level values remain the inherited global ones.
    expect(jammy.gitCommit).toBe('fa42be9027eccb928a1f0f43d95ffd9a45d36737');
  });

  it.each(['debian', 'busybox', 'cirros', 'oraclelinux'])('%s: per-arch fields in the global entry are inherited by every entry', (image) => {
    const m = parseManifest(image, read(image)).manifest;
    const globalText = read(image).split(/\n\n/).find((p) => /^Maintainers:/m.test(p))!;
    const perArch = [...globalText.matchAll(/^([a-z0-9-]+)-(GitCommit|GitFetch|Directory|GitRepo|File|Builder): *(\S+)/gm)];
    expect(perArch.length).toBeGreaterThan(0);
    for (const e of m.entries) {
      for (const [, arch, field, value] of perArch) {
        const entryText = read(image).split('\n\n').find((p) => p.includes(`Tags: ${e.tags[0]}`)) ?? '';
        if (entryText.includes(`${arch}-${field}:`)) continue; // the entry overrides it
        expect(e.archValues[arch as 'amd64']?.[field as 'GitCommit']).toBe(value);
      }
    }
  });

  it('busybox: comment lines between fields do not end the paragraph', () => {
    const m = parseManifest('busybox', read('busybox')).manifest;
    const glibc = m.entries.find((e) => e.tags.includes('glibc'))!;
    expect(archValue(glibc, 's390x', 'GitCommit')).toBe('729a0c071b5c666e84d7dc101468f6ac01fb8413');
    expect(archValue(glibc, 's390x', 'Directory')).toBe('latest/glibc/s390x');
    expect(glibc.builder).toBe('oci-import');
  });

  it('hello-world: latest is a SharedTag of the Linux and both Windows entries; windows-amd64-Directory', () => {
    const m = parseManifest('hello-world', read('hello-world')).manifest;
    const withLatest = m.entries.filter((e) => e.sharedTags.includes('latest'));
    expect(withLatest.map((e) => e.tags[0])).toEqual(['linux', 'nanoserver-ltsc2025', 'nanoserver-ltsc2022']);
    expect(m.entries.some((e) => e.tags.includes('latest'))).toBe(false);
    const ltsc2025 = withLatest[1]!;
    expect(ltsc2025.architectures).toEqual(['windows-amd64']);
    expect(archValue(ltsc2025, 'windows-amd64', 'Directory')).toBe('amd64/nanoserver-ltsc2025');
    expect(ltsc2025.constraints).toEqual(['nanoserver-ltsc2025']);
    expect(archValue(withLatest[0]!, 'arm64v8', 'Directory')).toBe('arm64v8');
  });
});

describe('bashbrew rules on synthetic input', () => {
  const parse = (text: string) => parseManifest('test', text);

  it('splits at the first colon, so values keep their colons', () => {
    const { manifest, errors } = parse(`${MAINT}\nGitRepo: https://example.org/x.git\n\nTags: 1\nGitCommit: ${C1}\n`);
    expect(errors).toEqual([]);
    expect(manifest.entries[0]!.gitRepo).toBe('https://example.org/x.git');
  });

  it('applies defaults: amd64, refs/heads/master, Directory ".", File Dockerfile', () => {
    const e = parse(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1}\n`).manifest.entries[0]!;
    expect([e.architectures, e.gitFetch, e.directory, e.file, e.builder]).toEqual([['amd64'], 'refs/heads/master', '.', 'Dockerfile', '']);
  });

  it('replaces Architectures and SharedTags, appends Maintainers and Constraints', () => {
    const { manifest, errors } = parse(
      `${MAINT}\nGitRepo: r\nGitCommit: ${C1}\nArchitectures: arm64v8, amd64\nSharedTags: s\nConstraints: c1\n\nTags: 1\nArchitectures: s390x, amd64, s390x\nMaintainers: Bob (@bob)\nConstraints: c2\n\nTags: 2\n`,
    );
    expect(errors).toEqual([]);
    const [one, two] = manifest.entries;
    expect(one!.architectures).toEqual(['amd64', 's390x']);
    expect(one!.maintainers.map((m) => m.handle)).toEqual(['jane', 'bob']);
    expect(one!.constraints).toEqual(['c1', 'c2']);
    expect(one!.sharedTags).toEqual(['s']);
    expect(two!.architectures).toEqual(['amd64', 'arm64v8']);
    expect(two!.maintainers.map((m) => m.handle)).toEqual(['jane']);
  });

  it('lone "." in a continuation is an empty line; CRLF is tolerated', () => {
    const { manifest, errors } = parse(`Maintainers: A (@a),\r\n .\r\n B (@b)\r\nGitRepo: r\r\n\r\nTags: x\r\nGitCommit: ${C1}\r\n`);
    expect(errors).toEqual([]);
    expect(manifest.maintainers.map((m) => m.handle)).toEqual(['a', 'b']);
    expect(manifest.entries[0]!.tags).toEqual(['x']);
  });

  it('has no inline comments: "Tags: a # b" is an invalid tag, reported with its line', () => {
    const { manifest, errors } = parse(`${MAINT}\nGitRepo: r\n\nTags: a # b\nGitCommit: ${C1}\n`);
    expect(manifest.entries).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ManifestError);
    expect([errors[0]!.line, errors[0]!.message]).toEqual([4, expect.stringContaining("test:4: invalid tag 'a # b'")]);
  });

  it('indented comments are comments too, even between a field and its continuation', () => {
    const { manifest } = parse(`Maintainers: A (@a),\n  # a note\n  B (@b)\nGitRepo: r\n\nTags: x\n    # indented\nGitCommit: ${C1}\n`);
    expect(manifest.maintainers.map((m) => m.handle)).toEqual(['a', 'b']);
    expect(manifest.entries[0]!.gitCommit).toBe(C1);
  });

  it('a whitespace-only line is a continuation, not a paragraph break', () => {
    const { manifest } = parse(`${MAINT}\nGitRepo: r\n\nTags: x,\n \nGitCommit: ${C1}\n`);
    // "x,\n" splits into "x" and "" and the empty tag is invalid: bashbrew rejects it too.
    expect(manifest.entries).toEqual([]);
  });

  it('reports a line without a colon with bashbrew\'s wording and keeps going', () => {
    const { manifest, errors } = parse(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1}\noops\n\nTags: 2\nGitCommit: ${C2}\n`);
    expect(errors.map((e) => [e.line, e.detail])).toEqual([[6, "Bad line: 'oops' has no ':'"]]);
    expect(manifest.entries.map((e) => e.tags)).toEqual([['1'], ['2']]);
  });

  it('rejects global Tags, missing Maintainers, bad commits, bad fetch refs and unknown arches', () => {
    const errs = (text: string) => parse(text).errors.map((e) => e.detail);
    expect(errs(`${MAINT}\nTags: 1\nGitRepo: r\nGitCommit: ${C1}\n`)).toEqual([expect.stringContaining('global Tags not permitted')]);
    expect(errs(`GitRepo: r\n\nTags: 1\nGitCommit: ${C1}\n`)).toEqual([expect.stringContaining('missing Maintainers')]);
    expect(errs(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: v1.2.3\n`)).toEqual([expect.stringContaining("GitCommit 'v1.2.3' must be")]);
    expect(errs(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1.toUpperCase()}\n`)).toHaveLength(1);
    expect(errs(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitFetch: main\nGitCommit: ${C1}\n`)).toEqual([expect.stringContaining('GitFetch')]);
    expect(errs(`${MAINT}\nGitRepo: r\n\nTags: 1\nArchitectures: amd64, arm64\nGitCommit: ${C1}\n`)).toEqual([expect.stringContaining("unknown architecture 'arm64'")]);
    expect(errs(`${MAINT}\n\nTags: 1\nGitCommit: ${C1}\n`)).toEqual(['missing GitRepo']);
    expect(errs(`${MAINT}\nGitRepo: r\n\nSharedTags: s\nGitCommit: ${C1}\n`)).toEqual(['missing Tags']);
    expect(errs('')).toEqual([expect.stringContaining('empty manifest')]);
  });

  it('does not validate per-arch GitCommit/GitFetch, and ignores keys of unknown arches', () => {
    const { manifest, errors } = parse(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1}\narm64v8-GitCommit: not-a-sha\nfoo-GitCommit: x\n`);
    expect(errors).toEqual([]);
    expect(archValue(manifest.entries[0]!, 'arm64v8', 'GitCommit')).toBe('not-a-sha');
    expect(archValue(manifest.entries[0]!, 'amd64', 'GitCommit')).toBe(C1);
  });

  it('matches per-arch keys by suffix (windows-amd64 has a hyphen)', () => {
    expect(splitArchKey('windows-amd64-Directory')).toEqual({ arch: 'windows-amd64', field: 'Directory' });
    expect(splitArchKey('arm64v8-GitCommit')).toEqual({ arch: 'arm64v8', field: 'GitCommit' });
    expect(splitArchKey('amd64-Tags')).toBeUndefined();
    expect(splitArchKey('-GitCommit')).toBeUndefined();
    expect(splitArchKey('windows-GitCommit')).toBeUndefined();
  });

  it('cleans Directory paths like Go path.Clean', () => {
    const e = parse(`${MAINT}\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1}\nDirectory: 1.5/ppc64le/\nppc64le-Directory: ./a//b/\n`).manifest.entries[0]!;
    expect([e.directory, archValue(e, 'ppc64le', 'Directory')]).toEqual(['1.5/ppc64le', 'a/b']);
  });

  it('enforces the duplicate rules, keeping the first entry and the ones after the bad one', () => {
    const { manifest, errors } = parse(
      [
        `${MAINT}\nGitRepo: r`,
        `Tags: 1, latest\nSharedTags: s\nGitCommit: ${C1}`,
        `Tags: 1\nGitCommit: ${C2}`, // duplicate tag
        `Tags: s\nGitCommit: ${C2}\nDirectory: d`, // a tag that is another entry's shared tag
        `Tags: 3\nSharedTags: latest\nGitCommit: ${C2}\nDirectory: e`, // shared tag that is a tag
        `Tags: 4, 4\nGitCommit: ${C2}\nDirectory: f`, // repeated in its own entry
        `Tags: 5\nSharedTags: s\nGitCommit: ${C2}\nDirectory: g`, // the same shared tag twice is fine
      ].join('\n\n'),
    );
    expect(errors.map((e) => e.line)).toEqual([8, 11, 15, 20]);
    expect(errors.map((e) => e.detail)).toEqual([
      "includes duplicate tag '1' (already a tag of the entry at line 4)",
      "tag 's' is already a shared tag of the entry at line 4",
      "shared tag 'latest' is already a tag of the entry at line 4",
      "tag '4' is listed twice in this entry",
    ]);
    expect(manifest.entries.map((e) => e.tags)).toEqual([['1', 'latest'], ['5']]);
  });

  it('coalesces entries with identical build inputs, as bashbrew does (example_test.go)', () => {
    const { manifest } = parse(`${MAINT}\nGitRepo: r\nGitCommit: ${C1}\n\nTags: 1.5.3\n\nTags: 1.5\nSharedTags: 1\n\nTags: other\nDirectory: x\n`);
    expect(manifest.entries.map((e) => [e.tags, e.sharedTags])).toEqual([[['1.5.3', '1.5'], ['1']], [['other'], []]]);
  });

  it('last value wins for a repeated key; a file with only the global paragraph has no entries', () => {
    expect(parse(`${MAINT}\nGitRepo: a\nGitRepo: b\n\nTags: 1\nGitCommit: ${C1}\n`).manifest.entries[0]!.gitRepo).toBe('b');
    expect(parse(`${MAINT}\nGitRepo: a\n`)).toMatchObject({ manifest: { entries: [] }, errors: [] });
  });

  it('keeps entries when a maintainer is malformed, but reports it', () => {
    const { manifest, errors } = parse(`Maintainers: nobody\nGitRepo: r\n\nTags: 1\nGitCommit: ${C1}\n`);
    expect(errors.map((e) => e.detail)).toEqual([expect.stringContaining("invalid Maintainers item 'nobody'")]);
    expect(manifest.entries).toHaveLength(1);
  });

  it('parseManifestStrict throws the first ManifestError and counts the rest', () => {
    expect(() => parseManifestStrict('x', 'oops\nagain\n')).toThrow(/x:1: Bad line: 'oops' has no ':' \(and 2 more errors\)/);
    expect(parseManifestStrict('hello-world', read('hello-world')).entries).toHaveLength(3);
  });

  it('bounds the input size', () => {
    const { errors } = parse(`${MAINT}\n${'#'.repeat(5 * 1024 * 1024)}\n`);
    expect(errors[0]!.detail).toContain('too large');
  });
});

describe('fuzzing: no input makes the parser throw or hang', () => {
  const samples = ['hello-world', 'debian', 'sonarqube', 'ubuntu', 'redis', 'python'].map(read);
  const pieces = ['\n', '\n\n', '\r\n', ' ', '\t', ':', ',', '#', '.', 'Tags:', 'SharedTags:', 'Architectures:', 'GitCommit:', 'windows-amd64-Directory:', 'Maintainers:', '(@x)', '<a@b>', C1, 'latest', '\u0000', 'é'];

  const check = (text: string) => {
    const started = performance.now();
    let result;
    try {
      result = parseManifest('fuzz', text);
    } catch (err) {
      throw new Error(`parseManifest threw: ${String(err)}`);
    }
    for (const e of result.errors) expect(e).toBeInstanceOf(ManifestError);
    try {
      parseManifestStrict('fuzz', text);
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
    }
    // A hang detector, not a performance figure (bench/catalog.ts measures speed).
    expect(performance.now() - started).toBeLessThan(10_000);
  };

  it('random text built from manifest-ish pieces', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 20 })), { maxLength: 200 }), (parts) => check(parts.join(''))), {
      numRuns: 400,
    });
  });

  it('mutated real manifests (deleted, duplicated and replaced slices)', () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 400 }), fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 30 }), fc.constant('')));
    fc.assert(
      fc.property(fc.nat({ max: samples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (which, mutations) => {
        let text = samples[which]!;
        for (const [at, len, insert] of mutations) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + len);
        }
        check(text);
      }),
      { numRuns: 200 },
    );
  });

  it('adversarial shapes stay fast (long maintainer lines, many tags, many paragraphs)', () => {
    check(`Maintainers: ${'a '.repeat(100_000)}\n`);
    check(`Maintainers: A (@a)\nGitRepo: r\nGitCommit: ${C1}\n\nTags: ${Array.from({ length: 50_000 }, (_, i) => `t${i}`).join(', ')}\n`);
    const many = `Maintainers: A (@a)\nGitRepo: r\nGitCommit: ${C1}\n${Array.from({ length: 6_000 }, (_, i) => `\nTags: t${i}\nDirectory: d${i}`).join('\n')}\n`;
    check(many);
    const capped = parseManifest('many', many);
    expect(capped.manifest.entries).toHaveLength(5_000);
    expect(capped.errors.map((e) => e.detail)).toEqual([expect.stringContaining('too many entries')]);
    check(` continuation first\n${'\t.\n'.repeat(100_000)}`);
  });
});
