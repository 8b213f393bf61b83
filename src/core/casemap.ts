/**
 * RFC 1459 case mapping: lower case, plus []\~ fold to {}|^. It is the default CASEMAPPING of
 * IRC servers (Libera's too) and how services compare account names. Identities are folded
 * once, where they enter the bot (the IRC adapter for accounts it sees, the configuration for
 * accounts an operator typed), so everything else compares them as plain strings.
 */
export function rfc1459Lower(name: string): string {
  return name.toLowerCase().replace(/[[\]\\~]/g, (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c] ?? c);
}
