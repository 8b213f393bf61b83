/**
 * `more` on Slack: paging is the core's (src/outbox/paging.ts), so a long answer in a DM comes a
 * page at a time there too, through the real SlackAdapter and the fake Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_CAPABILITIES } from '../../../adapters/slack/capabilities.js';
import { startFakeSlack, type ApiCall, type FakeSlack } from '../../support/fake-slack.js';
import { startSlackBot, type SlackBot } from '../../support/slack-app.js';

let fake: FakeSlack | undefined;
let bot: SlackBot | undefined;

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
  bot = undefined;
  fake = undefined;
});

/** The answer's lines, as the message's sections show them. */
function linesOf(call: ApiCall): string[] {
  const blocks = JSON.parse(String(call.params.blocks)) as Array<{ type: string; text?: { text: string } }>;
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? b.text.text.split('\n') : []));
}
const PAGE = SLACK_CAPABILITIES.privatePageLines!;

describe('paging on Slack', () => {
  it('a long DM answer shows one page; "more" shows the next, per person; a mention is not paged', async () => {
    fake = await startFakeSlack();
    bot = await startSlackBot({ fake });
    const dm = (user: string, text: string, ts: string) => fake!.sendEvent({ type: 'message', channel_type: 'im', channel: `D${user}`, user, text, ts });
    const total = PAGE + 16;
    dm('U0USER', `testlines ${total}`, '1700000000.000001');
    const first = await fake.waitForCall('chat.postMessage');
    expect(first.params.channel).toBe('DU0USER');
    const shown = linesOf(first);
    expect(shown).toHaveLength(PAGE);
    expect(shown[0]).toMatch(/^line 1 of 46: x+$/);
    expect(shown.at(-1)).toBe(`(${total - PAGE + 1} more lines: type more)`);

    dm('U0OTHER', 'more', '1700000000.000002');
    const other = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DU0OTHER');
    expect(linesOf(other)).toEqual(['nothing more to show.']);

    dm('U0USER', 'more', '1700000000.000003');
    const second = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DU0USER' && String(c.params.text).startsWith(`line ${PAGE} of`));
    expect(linesOf(second)).toHaveLength(total - PAGE + 1);
    expect(linesOf(second).at(-1)).toMatch(/^line 46 of 46: x+$/);

    dm('U0USER', 'more', '1700000000.000004');
    await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'DU0USER' && c.params.text === 'nothing more to show.');

    // In a channel Slack declares no line limit: the answer comes whole, nothing is kept.
    fake.sendEvent({ type: 'app_mention', user: 'U0USER', text: `<@UBOT> testlines ${total}`, ts: '1700000000.000005', channel: 'C0CHAN' });
    const inChannel = await fake.waitForCall('chat.postMessage', (c) => c.params.channel === 'C0CHAN');
    expect(linesOf(inChannel)).toHaveLength(total);
    expect(fake.violations).toEqual([]);
  });
});
