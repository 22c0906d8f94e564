// Commands the UI offers for testing a public URL; shared so tests can run exactly this text.

/** POSIX single quotes. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A request a user can paste to check the public URL, skipping the localtunnel reminder page. */
export function bypassCurl(url: string): string {
  return `curl -i -H 'Bypass-Tunnel-Reminder: true' -H 'Content-Type: application/json' \\\n  --data-raw '{"hello":"from the internet"}' ${q(url)}`;
}

/** The WebSocket equivalent: wscat with the header that skips the reminder page. */
export function bypassWscat(wsUrl: string): string {
  return `npx wscat -H 'Bypass-Tunnel-Reminder: true' -c ${q(wsUrl)}`;
}
