import { rfc1459Lower } from '../core/casemap.js';

/**
 * An identity an operator typed ("irc:Alice", "slack:U0123") in the form adapters hand over:
 * IRC services accounts compare under RFC 1459 case mapping; Slack ids are exact.
 */
export function canonicalIdentity(id: string): string {
  return id.startsWith('irc:') ? `irc:${rfc1459Lower(id.slice('irc:'.length))}` : id;
}

export function canonicalIdentities(lists: { readonly admins: readonly string[]; readonly maintainers: readonly string[] }): { admins: string[]; maintainers: string[] } {
  return { admins: lists.admins.map(canonicalIdentity), maintainers: lists.maintainers.map(canonicalIdentity) };
}
