import { describe, expect, it } from 'vitest';
import { ACCOUNT_TTL_MS, IrcIdentity } from '../../../adapters/irc/identity.js';

/** An IrcIdentity whose WHOs are answered by `network` (nick -> account, absent = offline). */
function setup(network: Record<string, string | null> = {}) {
  const now = { t: 1_000 };
  const sent: string[] = [];
  const id: IrcIdentity = new IrcIdentity({
    now: () => now.t,
    send: (line) => {
      sent.push(line);
      const [, mask, fields] = line.split(' ');
      const token = fields!.split(',')[1]!;
      // The server answers later, as a real one would.
      queueMicrotask(() => {
        const hits = mask!.startsWith('#') ? Object.entries(network) : Object.entries(network).filter(([n]) => n.toLowerCase() === mask!.toLowerCase());
        for (const [nick, account] of hits) id.onReply('354', ['doibot', token, nick, account ?? '0']);
        id.onReply('315', ['doibot', mask!, 'End of /WHO list.']);
      });
    },
  });
  return { id, now, sent, network };
}

describe('IrcIdentity', () => {
  it('vouches for a watched member for ten minutes, then asks again', () => {
    const { id, now } = setup();
    id.joined('Alice', '#c', 'alice');
    id.joined('eve', '#c', false);
    expect(id.fresh('alice')).toBe('alice');
    expect(id.fresh('EVE')).toBeNull();
    now.t += ACCOUNT_TTL_MS + 1;
    expect(id.fresh('alice')).toBeUndefined();
    id.accountChanged('alice', 'alice');
    expect(id.fresh('alice')).toBe('alice');
  });

  it('forgets what it can no longer watch: quit, part of the last shared channel, the bot leaving, a new connection', () => {
    const { id } = setup();
    id.joined('alice', '#a', 'alice');
    id.joined('alice', '#b', 'alice');
    id.left('alice', '#a');
    expect(id.fresh('alice')).toBe('alice');
    id.left('alice', '#b');
    expect(id.fresh('alice')).toBeUndefined();
    id.joined('bob', '#a', 'bob');
    id.botLeft('#a');
    expect(id.fresh('bob')).toBeUndefined();
    id.joined('carol', '#a', 'carol');
    id.quit('carol');
    expect(id.fresh('carol')).toBeUndefined();
    id.joined('dave', '#a', 'dave');
    id.reset();
    expect(id.fresh('dave')).toBeUndefined();
  });

  it('follows nick changes, and a member without a known account is left to verification', () => {
    const { id } = setup();
    id.joined('alice', '#a', 'alice');
    id.renamed('alice', 'alice[away]');
    expect(id.fresh('alice')).toBeUndefined();
    expect(id.fresh('ALICE{AWAY}')).toBe('alice');
    id.joined('frank', '#a');
    expect(id.fresh('frank')).toBeUndefined();
  });

  it('asks the server each time about a nick it cannot watch, and keeps nothing', async () => {
    const { id, sent, network } = setup({ root: 'root' });
    expect(await id.verify('root')).toBe('root');
    expect(id.fresh('root')).toBeUndefined();
    network.root = null;
    expect(await id.verify('root')).toBeNull();
    delete network.root;
    expect(await id.verify('root')).toBeNull();
    expect(sent).toEqual(['WHO root %tna,1', 'WHO root %tna,2', 'WHO root %tna,3']);
  });

  it('keeps a verified answer for a member, whose later changes it sees', async () => {
    const { id, sent } = setup({ frank: 'frank' });
    id.joined('frank', '#a');
    expect(await id.verify('frank')).toBe('frank');
    expect(id.fresh('frank')).toBe('frank');
    expect(sent).toHaveLength(1);
  });

  it('finds the nick of an account only by checking it now', async () => {
    const { id, network } = setup({ root: null, rootpm: 'root' });
    // The nick "root" is held by someone not logged in; "rootpm" is the account's last nick.
    id.noteVerified('rootpm', 'root');
    expect(await id.nickOf('root')).toBe('rootpm');
    network.rootpm = null;
    expect(await id.nickOf('ROOT')).toBeUndefined();
    id.joined('rootchan', '#a', 'root');
    expect(await id.nickOf('root')).toBe('rootchan');
  });

  it('learns everyone in a channel from one WHOX, and leaves replies it did not ask for alone', async () => {
    const { id } = setup({ carol: 'carol', eve: null });
    await id.whoChannel('#a');
    expect(id.fresh('carol')).toBe('carol');
    expect(id.fresh('eve')).toBeNull();
    expect(id.onReply('354', ['doibot', '777', 'x', 'y'])).toBe(false);
    expect(id.onReply('315', ['doibot', '#other', 'End'])).toBe(false);
  });
});
