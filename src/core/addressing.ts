/**
 * "doi-bot: tags python" / "doi-bot, tags python" -> "tags python" when `nick` matches
 * (case-insensitively); null otherwise. Adapters use it with their current nick.
 */
export function stripAddress(text: string, nick: string): string | null {
  const t = text.trimStart();
  if (t.length <= nick.length || t.slice(0, nick.length).toLowerCase() !== nick.toLowerCase()) return null;
  const sep = t[nick.length];
  if (sep !== ':' && sep !== ',') return null;
  return t.slice(nick.length + 1).trimStart();
}
