import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHORTCUT_CALLBACK_ID } from '../../../adapters/slack/modal.js';
import { projectRoot } from '../../../src/paths.js';

interface Manifest {
  display_information: { name: string; description: string };
  features: { bot_user: { display_name: string }; slash_commands: Array<{ command: string; should_escape: boolean }>; shortcuts: Array<{ type: string; callback_id: string; name: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe('slack-app-manifest.yml matches what the adapter does', () => {
  const manifest = parse(readFileSync(join(projectRoot(), 'slack-app-manifest.yml'), 'utf8')) as Manifest;

  it('subscribes to the events, command and shortcut the adapter handles', () => {
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_mention', 'message.im']);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/doi']);
    // Escaped: mentions and channels arrive as ids, which inbound translation understands.
    expect(manifest.features.slash_commands[0]?.should_escape).toBe(true);
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: SHORTCUT_CALLBACK_ID, name: 'Send to image maintainers' })]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('asks for the scopes the Web API calls need, and no more', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['app_mentions:read', 'chat:write', 'commands', 'im:history', 'im:read', 'im:write']);
  });

  it('stays within the manifest schema limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const c of manifest.features.slash_commands) expect(c.command.length).toBeLessThanOrEqual(32);
  });

  it("README promises in Slack channels only what the manifest subscribes to", () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const readsChannelMessages = manifest.settings.event_subscriptions.bot_events.includes('message.channels');
    // Every paragraph that offers the `!` prefix in a channel.
    const bangClaims = readme.split(/\n\s*\n/).filter((p) => /prefix a command with `!`|`!cmd`/.test(p));
    expect(bangClaims.length).toBeGreaterThan(0);
    if (readsChannelMessages) {
      expect(manifest.oauth_config.scopes.bot).toContain('channels:history');
    } else {
      // Then `!` must be offered for IRC channels only, and the Slack section must say so.
      for (const p of bangClaims) expect(p.replace(/\s+/g, ' ')).toMatch(/(IRC channel|IRC setup|in channels and bare in private)/);
      const slackSection = readme.slice(readme.indexOf('## Slack setup'), readme.indexOf('## IRC setup'));
      expect(slackSection.replace(/\s+/g, ' ')).toMatch(/The `!` prefix is for IRC/);
      expect(manifest.oauth_config.scopes.bot).not.toContain('channels:history');
    }
  });
});
