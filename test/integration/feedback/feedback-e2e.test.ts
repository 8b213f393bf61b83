/**
 * Feedback end to end: chat (memory adapter) -> dispatcher -> feedback service -> the real
 * GitHub client -> the schema-validating fake GitHub over HTTP, with a temp SQLite file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRC_CAPABILITIES } from '../../../adapters/irc/capabilities.js';
import { ircReplyLayout } from '../../../adapters/irc/layout.js';
import { renderRichText } from '../../../adapters/irc/render.js';
import type { InboundMessage } from '../../../src/core/chat.js';
import { toPlainText } from '../../../src/core/richtext.js';
import { fitChannelReply } from '../../../src/outbox/paging.js';
import { projectRoot } from '../../../src/paths.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { startFakeHub, type FakeHub } from '../../support/fake-hub.js';
import { ManualClock, codeIn, startFeedbackApp, until, type FeedbackApp } from '../../support/feedback-app.js';

const PY = 'docker-library/python';
const MARKER = /<!-- doi-bot-report: ([0-9a-f]{24}) -->/;
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

function seedWorld(gh: FakeGitHub): void {
  gh.world.addRepository(PY);
  gh.world.addRepository('docker-library/docs');
  gh.world.addRepository('docker-library/official-images');
  gh.world.addIssue({ repo: PY, title: 'pip install fails with ssl error on arm64', body: 'same here' });
  const closed = gh.world.addIssue({ repo: PY, title: 'ssl error when pip install runs on arm64 slim', body: 'pip fails' });
  gh.world.closeIssue(PY, closed.number);
  gh.world.addIssue({ repo: PY, title: 'Unrelated: locale warnings', body: 'nothing to see' });
}

describe('feedback through the app (GitHub configured)', () => {
  let dir: string;
  let gh: FakeGitHub;
  let hub: FakeHub;
  let f: FeedbackApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doibot-feedback-'));
    gh = await startFakeGitHub();
    seedWorld(gh);
    hub = await startFakeHub();
    hub.world.setTag('python', '3.15-rc-slim-trixie', { digest: DIGEST, images: [{ architecture: 'amd64', os: 'linux', digest: `sha256:${'cd34'.repeat(16)}` }] });
    f = await startFeedbackApp({ dbFile: join(dir, 'bot.sqlite3'), gh, hub, limits: { feedbackPerUserPerDay: 2, feedbackGlobalPerHour: 4 } });
  }, 30_000);

  afterAll(async () => {
    await f?.close();
    await gh?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says where it goes, shows similar issues with links, and files exactly what was confirmed', async () => {
    const before = gh.world.issues(PY).length;
    const reply = await f.say('feedback python:3.15-rc-slim-trixie pip install fails with ssl error on arm64\nTraceback: SSLError', { account: 'alice' });
    expect(reply).toContain('this goes to docker-library/python');
    expect(reply).toContain("it is the image's GitHub repository in its docs (github-repo)");
    expect(reply).toContain('Similar issues (2 found');
    expect(reply).toContain('https://github.com/docker-library/python/issues/1');
    expect(reply).toContain('(closed) https://github.com/docker-library/python/issues/2');
    expect(reply).not.toContain('locale warnings');
    const code = codeIn(reply);
    expect(reply.split('\n')[0]).toBe(`To file it in docker-library/python, say confirm ${code} within 10 minutes, or cancel ${code}.`);
    // Slack renders the actions as buttons.
    const sent = f.chat.sent.at(-1)!;
    // On IRC the code comes in the first line and once: the buttons' commands are not repeated.
    const ircLines = renderRichText(sent.body, { colors: false });
    expect(ircLines[0]).toContain(`confirm ${code}`);
    expect(ircLines.join('\n').split(`confirm ${code}`)).toHaveLength(2);
    const irc = { capabilities: IRC_CAPABILITIES, layout: ircReplyLayout({ budget: () => 400, colors: false, nick: () => 'doibot' }) };
    expect(renderRichText(fitChannelReply(sent.body, 2, 'irc:#docker-library', irc), { colors: false })).toEqual([ircLines[0], `(${ircLines.length - 1} more lines: https://github.com/docker-library/python/issues)`]);
    expect(sent.body.actions).toEqual([
      { label: 'File it', command: `confirm ${code}`, style: 'primary' },
      { label: 'Cancel', command: `cancel ${code}`, style: 'danger' },
    ]);
    // The duplicate search went through GraphQL search(type: ISSUE), with rateLimit selected.
    const search = gh.requests.find((r) => r.operationName === 'FeedbackTarget' || r.document.includes('query FeedbackTarget'))!;
    expect(search.status).toBe(200);
    expect(search.document).toMatch(/search\(query: \$q, type: ISSUE/);
    expect(search.document).toContain('rateLimit { cost remaining resetAt }');
    expect(String(search.variables?.q)).toMatch(/^repo:docker-library\/python is:issue /);
    expect(gh.world.issues(PY)).toHaveLength(before);

    const confirmed = await f.say(`confirm ${code}`, { account: 'alice' });
    expect(confirmed).toMatch(/^Filed as docker-library\/python#4: https:\/\/github\.com\/docker-library\/python\/issues\/4\. Thank you!$/);
    const issues = gh.world.issues(PY);
    expect(issues).toHaveLength(before + 1);
    const issue = issues.at(-1)!;
    expect(issue.title).toBe('pip install fails with ssl error on arm64');
    const id = MARKER.exec(issue.body)?.[1];
    expect(id).toBeDefined();
    expect(issue.body).toBe(
      [
        '> pip install fails with ssl error on arm64',
        '> Traceback: SSLError',
        '',
        `**Image:** \`python:3.15-rc-slim-trixie\` (architectures: amd64, arm32v5, arm32v7, arm64v8, i386, ppc64le, riscv64, s390x; Docker Hub digest \`${DIGEST}\`)`,
        '',
        '---',
        '<sub>Reported from IRC, #test, by `irc:alice` through doi-bot, the Docker Official Images chat bot.</sub>',
        '',
        `<!-- doi-bot-report: ${id} -->`,
        '',
      ].join('\n'),
    );
    // Confirming twice files nothing more.
    expect(await f.say(`confirm ${code}`, { account: 'alice' })).toContain('was already filed: https://github.com/docker-library/python/issues/4');
    expect(gh.world.issues(PY)).toHaveLength(before + 1);
    const status = await f.say('feedback status', { account: 'alice' });
    expect(status).toContain(`${code} docker-library/python: pip install fails with ssl error on arm64 — filed`);
  });

  it('cancel drops a proposal; a cancelled code cannot be confirmed', async () => {
    const before = gh.world.issues(PY).length;
    const code = codeIn(await f.say('feedback python the entrypoint ignores PYTHONUNBUFFERED entirely', { account: 'bob' }));
    expect(await f.say(`cancel ${code}`, { account: 'bob' })).toBe(`Report ${code} cancelled; nothing will be filed.`);
    expect(await f.say(`confirm ${code}`, { account: 'bob' })).toBe(`Report ${code} was cancelled.`);
    expect(gh.world.issues(PY)).toHaveLength(before);
  });

  it('codes expire after 10 minutes', async () => {
    const before = gh.world.issues(PY).length;
    const code = codeIn(await f.say('feedback python the slim variant is missing libexpat since last week', { account: 'carol' }));
    f.clock.advance(10 * 60_000 + 1000);
    expect(await f.say(`confirm ${code}`, { account: 'carol' })).toContain(`Report ${code} expired (not confirmed within 10 minutes)`);
    expect(await f.say('feedback status', { account: 'carol' })).toContain('expired (never confirmed)');
    expect(gh.world.issues(PY)).toHaveLength(before);
  });

  it('refuses unidentified users and codes that belong to someone else', async () => {
    const anon = await f.say('feedback python the image is missing the tzdata package now', { id: 'nick-only', account: undefined });
    expect(anon).toContain('this goes to docker-library/python');
    expect(anon).toContain('Only identified users can file through the bot');
    expect(anon).not.toMatch(/confirm [a-z0-9]{6}/);
    expect(anon).toContain('https://github.com/docker-library/python/issues/new?title=');
    expect(await f.say('confirm abcdef', { id: 'nick-only', account: undefined })).toContain('Only identified users can file reports');
    const code = codeIn(await f.say('feedback python the image is missing the tzdata package now', { account: 'dave' }));
    expect(await f.say(`confirm ${code}`, { account: 'eve' })).toContain(`You have no report with code ${code}`);
    expect(await f.say(`cancel ${code}`, { account: 'eve' })).toContain(`You have no report with code ${code}`);
    // An admin sees it and may cancel it.
    expect(await f.say('feedback pending', { account: 'eve' })).toContain('"feedback pending" is for admins only');
    const pending = await f.say('feedback pending', { account: 'root' });
    expect(pending).toContain(`${code} docker-library/python by irc:dave`);
    expect(await f.say(`cancel ${code}`, { account: 'root' })).toBe(`Report ${code} cancelled; nothing will be filed.`);
  });

  it('answers known questions instead of filing, unless asked --anyway', async () => {
    const reply = await f.say('feedback python my scanner reports CVE-2024-12345 in openssl', { account: 'frank' });
    expect(reply).toContain('https://github.com/docker-library/faq#why-does-my-security-scanner-show-that-an-image-has-so-many-cves');
    expect(reply).not.toMatch(/confirm [a-z0-9]{6}/);
    f.clock.advance(11_000);
    const anyway = await f.say('feedback python --anyway my scanner reports CVE-2024-12345 in openssl', { account: 'frank' });
    expect(anyway).toMatch(/confirm [a-z0-9]{6}/);
  });

  it('routes docs and process feedback (the Slack modal form too) and links the Slack message', async () => {
    f.clock.advance(11_000);
    const docs = await f.say('feedback python --kind=docs The compose example uses a removed option', { account: 'gina' });
    expect(docs).toContain('About python (the documentation): this goes to docker-library/docs');
    f.clock.advance(11_000);
    const process = await f.say('feedback process please add an official image for zig', { account: 'gina' });
    expect(process).toContain('About the Official Images program (the Official Images process or a new image): this goes to docker-library/official-images');
    // A Slack message shortcut arrives with the message permalink.
    const permalink = 'https://example.slack.com/archives/C0123ABCD/p1700000000000100';
    const before = gh.world.issues('docker-library/docs').length;
    const reply = await f.app.dispatcher.handle({
      id: 'slack:view:V1',
      channel: { platform: 'slack', id: 'D0123', key: 'slack:D0123', name: 'D0123' },
      author: { platform: 'slack', id: 'U0GINA', name: 'gina', account: 'U0GINA' },
      text: 'feedback nginx --kind=docs The variables section lists a removed setting',
      isDirect: true,
      addressed: true,
      receivedAt: new Date(),
      permalink,
    });
    const code = codeIn(JSON.stringify(reply));
    const done = await f.app.dispatcher.handle({
      id: 'slack:action:1',
      channel: { platform: 'slack', id: 'D0123', key: 'slack:D0123', name: 'D0123' },
      author: { platform: 'slack', id: 'U0GINA', name: 'gina', account: 'U0GINA' },
      text: `confirm ${code}`,
      isDirect: true,
      addressed: true,
      receivedAt: new Date(),
    });
    expect(JSON.stringify(done)).toContain('Filed as docker-library/docs#');
    const issue = gh.world.issues('docker-library/docs').at(-1)!;
    expect(gh.world.issues('docker-library/docs')).toHaveLength(before + 1);
    expect(issue.title).toBe('nginx: The variables section lists a removed setting');
    expect(issue.body).toContain(`<sub>Reported from Slack, a direct message ([message](${permalink})), by \`slack:U0GINA\``);
  });

  it('takes the Slack modal\'s fields as typed: words in the text are never read as options', async () => {
    f.clock.advance(11_000);
    const hank = (id: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
      id,
      channel: { platform: 'slack', id: 'D0124', key: 'slack:D0124', name: 'D0124' },
      author: { platform: 'slack', id: 'U0HANK', name: 'hank', account: 'U0HANK' },
      text,
      isDirect: true,
      addressed: true,
      receivedAt: new Date(),
      ...extra,
    });
    const request = { command: 'feedback', kind: 'docs', image: 'nginx', text: '--kind=process --anyway the example uses a removed option' } as const;
    const reply = await f.app.dispatcher.handle(hank('slack:view:V2', 'feedback', { request }));
    const shown = reply ? toPlainText(reply) : '';
    expect(shown).toContain('About nginx (the documentation): this goes to docker-library/docs');
    const done = await f.app.dispatcher.handle(hank('slack:action:2', `confirm ${codeIn(shown)}`));
    expect(JSON.stringify(done)).toContain('Filed as docker-library/docs#');
    expect(gh.world.issues('docker-library/docs').at(-1)!.body).toContain('--kind=process --anyway the example uses a removed option');
  });


  it('neutralises mentions, references, HTML, entities, fences and invisible characters', async () => {
    f.clock.advance(2 * 3_600_000);
    const text =
      'Build breaks, cc @tianon and @docker-library/maintainers see #1234\r\n' +
      'also docker-library/official-images#1 and GH-12 \u202Eevil\u200Bhidden\u2066x\u2069\rQUIT :bye\n' +
      '```\n' +
      '`x` &#64;yosifkit <!-- doi-bot-report: 000 --> <img src=x> \\@yosifkit https://github.com/docker-library/official-images/issues/1';
    const code = codeIn(await f.say(`feedback python ${text}`, { account: 'mallory' }));
    const reply = await f.say(`confirm ${code}`, { account: 'mallory' });
    expect(reply).toContain('Filed as docker-library/python#');
    const issue = gh.world.issues(PY).at(-1)!;
    const id = MARKER.exec(issue.body)![1];
    expect(issue.title).toBe('Build breaks, cc `@tianon` and `@docker-library/maintainers` see `#1234`');
    expect(issue.body).toBe(
      [
        '> Build breaks, cc `@tianon` and `@docker-library/maintainers` see `#1234`',
        '> also `docker-library/official-images#1` and `GH-12` evilhiddenx',
        '> QUIT :bye',
        '> \\`\\`\\`',
        '> \\`x\\` &amp;`#64`;yosifkit &lt;!-- doi-bot-report: 000 --> &lt;img src=x> \\\\`@yosifkit` `https://github.com/docker-library/official-images/issues/1`',
        '',
        '**Image:** `python`',
        '',
        '---',
        '<sub>Reported from IRC, #test, by `irc:mallory` through doi-bot, the Docker Official Images chat bot.</sub>',
        '',
        `<!-- doi-bot-report: ${id} -->`,
        '',
      ].join('\n'),
    );
    // Only the bot's marker is a real HTML comment.
    expect(issue.body.match(/<!--/g)).toHaveLength(1);
  });

  it('refuses a 70,000-character report clearly and stores nothing', async () => {
    f.clock.advance(11_000);
    const count = () => (f.db.prepare('SELECT COUNT(*) AS n FROM feedback_reports').get() as { n: number }).n;
    const before = count();
    const reply = await f.say(`feedback python ${'a'.repeat(70_000)}`, { account: 'mallory' });
    expect(reply).toMatch(/^That report is too long \([\d,]+ characters; the limit is 3,000\)\. Nothing was filed\./);
    expect(count()).toBe(before);
  });

  it('enforces the per-user daily and global hourly limits with a clear message', async () => {
    f.clock.advance(25 * 3_600_000);
    const file = async (account: string, n: number) => {
      f.clock.advance(11_000);
      const code = codeIn(await f.say(`feedback python report number ${n} about the slim image build`, { account }));
      expect(await f.say(`confirm ${code}`, { account })).toContain('Filed as');
    };
    await file('lim1', 1);
    await file('lim1', 2);
    f.clock.advance(11_000);
    const third = await f.say('feedback python report number 3 about the slim image build', { account: 'lim1' });
    expect(third).toContain('You have filed 2 report(s) in the last 24 hours, the most one person may');
    expect(third).not.toMatch(/confirm [a-z0-9]{6}/);
    await file('lim2', 4);
    // A proposal made under the limit still cannot be confirmed once the limit is reached.
    f.clock.advance(11_000);
    const late = codeIn(await f.say('feedback python report number 6 about the slim image build', { account: 'lim4' }));
    await file('lim3', 5);
    const global = await f.say(`confirm ${late}`, { account: 'lim4' });
    expect(global).toContain('The bot has filed 4 report(s) in the last hour, its limit for everyone together');
    expect(global).toContain(`Report ${late} is still waiting`);
    f.clock.advance(3_600_000 + 1000);
    // The proposal expired meanwhile; a new one goes through.
    await file('lim4', 7);
  });
});

describe('feedback through the app (no GitHub token)', () => {
  let dir: string;
  let f: FeedbackApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doibot-feedback-offline-'));
    f = await startFeedbackApp({ dbFile: join(dir, 'bot.sqlite3') });
  }, 30_000);

  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes every image in feedback-routing.json where the docs say, filing nothing off GitHub', async () => {
    const routing = JSON.parse(readFileSync(join(projectRoot(), 'assets', 'snapshot', 'feedback-routing.json'), 'utf8')) as Record<
      string,
      { githubIssuesRepo: string | null; issuesUrl: string | null; issuesTracker: string | null }
    >;
    const names = Object.keys(routing);
    expect(names.length).toBe(145);
    let i = 0;
    for (const image of names) {
      const r = routing[image]!;
      const reply = await f.say(`feedback ${image} the container exits right after start on arm64`, { account: `router${i++}` });
      expect(reply, image).not.toMatch(/confirm [a-z0-9]{6}/);
      if (r.githubIssuesRepo) {
        expect(reply, image).toContain(`this goes to ${r.githubIssuesRepo} `);
        expect(reply, image).toContain(`https://github.com/${r.githubIssuesRepo}/issues/new?title=`);
        if (r.issuesTracker !== 'github' && r.issuesUrl) expect(reply, image).toContain(r.issuesUrl);
      } else if (r.issuesUrl) {
        expect(reply, image).toContain('not GitHub, so I file nothing');
        expect(reply, image).toContain(r.issuesUrl);
        expect(reply, image).not.toContain('issues/new');
      } else {
        expect(reply, image).toContain('name no issue tracker');
      }
    }
  }, 60_000);

  it('explains that filing is not configured and gives a prefilled, capped new-issue link', async () => {
    const reply = await f.say('feedback python:3.15-rc-slim-trixie pip fails @tianon #12\n' + 'details '.repeat(370), { account: 'offline1' });
    expect(reply).toContain('Filing from chat is not configured on this bot (no GitHub token)');
    const url = /(https:\/\/github\.com\/docker-library\/python\/issues\/new\?\S+)/.exec(reply)![1]!;
    expect(url.length).toBeLessThanOrEqual(7500);
    const parsed = new URL(url);
    expect(parsed.searchParams.get('title')).toBe('pip fails `@tianon` `#12`');
    const body = parsed.searchParams.get('body')!;
    expect(body.startsWith('> pip fails `@tianon` `#12`\n> details details')).toBe(true);
    expect(body).toContain('**Image:** `python:3.15-rc-slim-trixie` (architectures: amd64,');
    expect(body).not.toContain('doi-bot-report');
  });

  it('names unknown images and suggests close ones', async () => {
    expect(await f.say('feedback pyhton the thing is broken since the last update', { account: 'offline2' })).toContain(
      'I don\'t know an official image called "pyhton". Did you mean python',
    );
  });
});

describe('durable filing through GitHub outages and crashes', () => {
  let dir: string;
  let gh: FakeGitHub;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doibot-feedback-durable-'));
    gh = await startFakeGitHub();
    seedWorld(gh);
  });

  afterAll(async () => {
    await gh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GitHub down during confirm: queued, then filed exactly once after it returns, across a restart', async () => {
    const dbFile = join(dir, 'outage.sqlite3');
    const clock = new ManualClock();
    const before = gh.world.issues(PY).length;
    const a = await startFeedbackApp({ dbFile, gh, clock });
    const code = codeIn(await a.say('feedback python the arm64 slim image segfaults on startup', { account: 'olga' }));
    gh.faults.serverError(100_000, 502);
    const reply = await a.say(`confirm ${code}`, { account: 'olga' });
    expect(reply).toMatch(new RegExp(`^Report ${code} is saved, but GitHub is not available right now \\(GitHub is having trouble right now\\)\\. It will be filed automatically`));
    // The worker keeps trying while GitHub is down.
    await until(() => (a.db.prepare('SELECT attempts FROM feedback_reports WHERE code = ?').get(code) as { attempts: number }).attempts >= 3, 8000, 'retries');
    await a.close();
    expect(gh.world.issues(PY)).toHaveLength(before);

    gh.faults.clear();
    const b = await startFeedbackApp({ dbFile, gh, clock });
    try {
      await until(() => b.chat.sent.some((m) => m.kind === 'announcement' && m.text.includes(`Your report ${code} is filed`)), 8000, 'the filed notice');
      const issues = gh.world.issues(PY);
      expect(issues).toHaveLength(before + 1);
      const notice = b.chat.sent.find((m) => m.text.includes(`Your report ${code} is filed`))!;
      expect(notice.channel).toBe('irc:#test');
      expect(notice.text).toBe(`Your report ${code} is filed as docker-library/python#${issues.at(-1)!.number}: ${`https://github.com/docker-library/python/issues/${issues.at(-1)!.number}`}. Thank you!`);
      // Nothing more happens later.
      await new Promise((r) => setTimeout(r, 300));
      expect(gh.world.issues(PY)).toHaveLength(before + 1);
      expect(b.chat.sent.filter((m) => m.text.includes(`Your report ${code}`))).toHaveLength(1);
    } finally {
      await b.close();
    }
  }, 30_000);

  it('GitHub slower than the command: the reply says queued and the link follows in the channel', async () => {
    const dbFile = join(dir, 'slow.sqlite3');
    const before = gh.world.issues(PY).length;
    const a = await startFeedbackApp({ dbFile, gh });
    try {
      const code = codeIn(await a.say('feedback python the slim image has no procps any more', { account: 'rita', channel: '#docker-library' }));
      gh.faults.delay(1, 2500);
      expect(await a.say(`confirm ${code}`, { account: 'rita', channel: '#docker-library' })).toBe(
        `Report ${code} is saved. GitHub is slow to answer, so it will be filed in the background; I will post the link here.`,
      );
      await until(() => a.chat.sent.some((m) => m.text.includes(`Your report ${code} is filed`)), 8000, 'the filed notice');
      const notices = a.chat.sent.filter((m) => m.text.includes(`Your report ${code}`));
      expect(notices.map((m) => [m.channel, m.kind])).toEqual([['irc:#docker-library', 'announcement']]);
      expect(gh.world.issues(PY)).toHaveLength(before + 1);
    } finally {
      await a.close();
    }
  }, 30_000);

  it('from a private conversation the later notice is addressed to the services account, not the nick', async () => {
    const dbFile = join(dir, 'slow-private.sqlite3');
    const a = await startFeedbackApp({ dbFile, gh });
    try {
      // On IRC a query's "channel" is the sender's nick, which someone else may hold by the time the notice goes out.
      const asRita = { id: 'rita_', account: 'rita', channel: 'rita_' };
      const code = codeIn(await a.say('feedback python the slim image lost its procps', asRita));
      gh.faults.delay(1, 2500);
      expect(await a.say(`confirm ${code}`, asRita)).toMatch(/filed in the background/);
      await until(() => a.chat.sent.some((m) => m.text.includes(`Your report ${code} is filed`)), 8000, 'the filed notice');
      const notices = a.chat.sent.filter((m) => m.text.includes(`Your report ${code}`));
      expect(notices.map((m) => [m.channel, m.kind])).toEqual([['irc:account:rita', 'announcement']]);
    } finally {
      await a.close();
    }
  }, 30_000);

  it('a secondary rate limit on createIssue: waits as long as GitHub asks, then files once', async () => {
    const dbFile = join(dir, 'secondary.sqlite3');
    const before = gh.world.issues(PY).length;
    const a = await startFeedbackApp({ dbFile, gh });
    try {
      const code = codeIn(await a.say('feedback python the alpine variant lacks ca-certificates', { account: 'quinn' }));
      gh.faults.secondaryLimit(1, 2);
      const confirmedAt = Date.now();
      expect(await a.say(`confirm ${code}`, { account: 'quinn' })).toContain('GitHub asked us to slow down');
      await until(() => a.chat.sent.some((m) => m.text.includes(`Your report ${code} is filed`)), 8000, 'the filed notice');
      const creates = gh.requests.filter((r) => r.document.includes('mutation FeedbackCreateIssue'));
      const retry = creates.at(-1)!;
      expect(retry.at - confirmedAt).toBeGreaterThanOrEqual(1900);
      expect(gh.world.issues(PY)).toHaveLength(before + 1);
    } finally {
      await a.close();
    }
  }, 30_000);

  it('a crash between createIssue and the database update does not produce a second issue', async () => {
    const dbFile = join(dir, 'crash.sqlite3');
    const clock = new ManualClock();
    const before = gh.world.issues(PY).length;
    // Long back-off: nothing retries before the "crash".
    const a = await startFeedbackApp({ dbFile, gh, clock, tuning: { baseBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    const code = codeIn(await a.say('feedback python pip wheel cache is baked into the image', { account: 'pete' }));
    // GitHub creates the issue, but the answer is lost (502 after the mutation ran).
    gh.faults.loseResponses(1);
    expect(await a.say(`confirm ${code}`, { account: 'pete' })).toContain('GitHub is not available right now');
    expect(gh.world.issues(PY)).toHaveLength(before + 1);
    await a.close();
    // As if the process died mid-request: the row is left 'filing'.
    const db = (await import('../../../src/store/db.js')).openDatabase(dbFile);
    db.prepare("UPDATE feedback_reports SET state = 'filing' WHERE code = ?").run(code);
    db.close();

    const b = await startFeedbackApp({ dbFile, gh, clock });
    try {
      await until(() => b.chat.sent.some((m) => m.text.includes(`Your report ${code} is filed`)), 8000, 'the filed notice');
      const issues = gh.world.issues(PY);
      expect(issues).toHaveLength(before + 1);
      expect(b.chat.sent.find((m) => m.text.includes(`Your report ${code} is filed`))!.text).toContain(`docker-library/python#${issues.at(-1)!.number}`);
      const row = b.db.prepare('SELECT state, issue_number FROM feedback_reports WHERE code = ?').get(code) as { state: string; issue_number: number };
      expect(row).toEqual({ state: 'filed', issue_number: issues.at(-1)!.number });
      // The recovery looked the issue up by its marker instead of creating another.
      expect(gh.requests.some((r) => r.document.includes('query FeedbackMarker') && r.status === 200)).toBe(true);
    } finally {
      await b.close();
    }
  }, 30_000);
});
