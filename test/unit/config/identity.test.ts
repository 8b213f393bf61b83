import { describe, expect, it } from 'vitest';
import { canonicalAccount } from '../../../adapters/irc/accounts.js';
import { toInbound } from '../../../adapters/irc/inbound.js';
import { canonicalIdentities, canonicalIdentity } from '../../../src/config/identity.js';
import { identityOf } from '../../../src/core/chat.js';
import { AccessPolicy } from '../../../src/dispatch/access.js';

describe('canonicalIdentity (identities typed into the configuration)', () => {
  it('folds IRC accounts the way the IRC adapter does and leaves Slack ids exact', () => {
    expect(canonicalIdentity('irc:Alice[m]\\~')).toBe(`irc:${canonicalAccount('Alice[m]\\~')}`);
    expect(canonicalIdentity('irc:Alice[m]\\~')).toBe('irc:alice{m}|^');
    expect(canonicalIdentity('slack:U0ADMIN')).toBe('slack:U0ADMIN');
    expect(canonicalIdentity('console:Op')).toBe('console:Op');
    expect(canonicalIdentities({ admins: ['irc:Tianon'], maintainers: ['irc:Yosifkit', 'slack:U1'] })).toEqual({
      admins: ['irc:tianon'],
      maintainers: ['irc:yosifkit', 'slack:U1'],
    });
  });

  it('an operator-typed IRC admin matches the account however the server spells it (RFC 1459, not just lower case)', () => {
    const policy = new AccessPolicy(canonicalIdentities({ admins: ['irc:Foo[away]'], maintainers: [] }));
    const ctx = { currentNick: 'doibot', accountTagEnabled: true, freshAccount: () => undefined, verifyAccount: async () => null, channelPrefixes: '#', now: 0, fallbackId: 'x' };
    const fromServer = (account: string) => toInbound({ nick: 'foo', target: '#c', message: '!x', account }, ctx)!.author;
    expect(identityOf(fromServer('FOO{AWAY}'))).toBe('irc:foo{away}');
    expect(policy.levelOf(fromServer('FOO{AWAY}'))).toBe('admin');
    expect(policy.levelOf(fromServer('foo[away]'))).toBe('admin');
    expect(policy.levelOf(fromServer('foo'))).toBe('anyone');
  });
});
