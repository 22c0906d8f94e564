import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Cookie, CookieJar } from 'tough-cookie';
import type { CookieView } from '../../shared/model/workspace';
import { SwitchboardError } from '../../shared/errors';
import type { SendCookieJar } from '../http/service';
import { writeFileAtomic } from './files';

// The workspace cookie jar: tough-cookie does the RFC 6265 work (domain and path matching,
// host-only cookies, expiry, Secure only over https, public-suffix rejection); we persist its
// serialized form after every change. HttpOnly cookies are sent like the others: there is no
// script here for HttpOnly to protect from, as in Postman.

export function cookieView(c: Cookie): CookieView {
  // A session cookie has no expiry (tough-cookie reports its "Infinity" as the far future).
  const session = c.expires === 'Infinity' && (c.maxAge === null || c.maxAge === undefined || c.maxAge === 'Infinity');
  const expires = session ? null : c.expiryDate();
  return {
    key: c.key,
    value: c.value,
    domain: c.domain ?? '',
    path: c.path ?? '/',
    expires: expires && Number.isFinite(expires.getTime()) ? expires.toISOString() : null,
    secure: !!c.secure,
    httpOnly: !!c.httpOnly,
    hostOnly: !!c.hostOnly,
    sameSite: c.sameSite && c.sameSite !== 'none' ? c.sameSite : c.sameSite === 'none' ? 'none' : null,
    creation: c.creation instanceof Date ? c.creation.toISOString() : null,
  };
}

/**
 * Whether a cookie stored for one of `domains` could apply to `hostname`: the host itself or one
 * of its parent domains is among them (RFC 6265 domain-match). IPv6 literals and hostnames ending
 * in a dot always answer yes, leaving the decision to tough-cookie.
 */
export function mayHaveCookies(domains: ReadonlySet<string>, hostname: string): boolean {
  if (domains.size === 0) return false;
  if (hostname.startsWith('[') || hostname.endsWith('.')) return true;
  let h = hostname.toLowerCase();
  for (;;) {
    if (domains.has(h)) return true;
    const dot = h.indexOf('.');
    if (dot < 0) return false;
    h = h.slice(dot + 1);
  }
}

/** The domains `jar`'s cookies are stored under, lower case (see mayHaveCookies). */
function cookieDomains(jar: CookieJar): Set<string> {
  return new Set((jar.serializeSync()?.cookies ?? []).map((c) => String(c.domain ?? '').toLowerCase()));
}

export class WorkspaceCookieJar implements SendCookieJar {
  private jar: CookieJar;
  private saving: Promise<void> = Promise.resolve();
  // The domains of the stored cookies, kept after every change: most sends go to hosts with no
  // cookie at all, and asking tough-cookie (URL parsing, domain permutations, a promise chain)
  // measured ~40 µs per send, a quarter of a keep-alive GET on loopback.
  private domains = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly onChange: () => void,
  ) {
    this.jar = WorkspaceCookieJar.fresh();
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof CookieJar.deserializeSync>[0];
      this.jar = CookieJar.deserializeSync(data);
    } catch {
      // No jar yet (or unreadable): start empty.
    }
    this.domains = cookieDomains(this.jar);
  }

  private static fresh(): CookieJar {
    // localhost and *.test/*.localhost are "special-use" domains; allow them (local APIs).
    return new CookieJar(undefined, { looseMode: true, rejectPublicSuffixes: true, allowSpecialUseDomain: true });
  }

  cookieHeader(url: string | URL): Promise<string | null> | null {
    const u = typeof url === 'string' ? new URL(url) : url;
    if (!mayHaveCookies(this.domains, u.hostname)) return null;
    return this.jar.getCookieString(u.href).then((s) => (s ? s : null));
  }

  async store(url: string, setCookies: string[]): Promise<void> {
    let changed = false;
    for (const raw of setCookies) {
      // Cookies a browser would refuse (wrong domain, public suffix) are ignored, as a browser does.
      const c = await this.jar.setCookie(raw, url, { ignoreError: true });
      if (c) changed = true;
    }
    if (changed) await this.persist();
  }

  async list(domain?: string): Promise<CookieView[]> {
    const all = await this.jar.store.getAllCookies();
    const d = domain?.toLowerCase().replace(/^\./, '');
    const now = Date.now();
    return all
      .filter((c) => {
        // Expired cookies linger in the store until a request for their URL; never show them.
        const t = c.expiryTime();
        return t === undefined || t > now;
      })
      .filter((c) => !d || (c.domain ?? '') === d || (c.domain ?? '').endsWith(`.${d}`))
      .sort((a, b) => (a.domain ?? '').localeCompare(b.domain ?? '') || (a.path ?? '').localeCompare(b.path ?? '') || a.key.localeCompare(b.key))
      .map(cookieView);
  }

  async set(input: {
    key: string;
    value: string;
    domain: string;
    path: string;
    expires: string | null;
    secure: boolean;
    httpOnly: boolean;
    sameSite: 'strict' | 'lax' | 'none' | null;
  }): Promise<CookieView> {
    const domain = input.domain.trim().toLowerCase().replace(/^\./, '');
    if (!domain || /[\s/]/.test(domain)) throw new SwitchboardError('VALIDATION_FAILED', `"${input.domain}" is not a cookie domain.`);
    if (/[;\s,]/.test(input.key) || /[;\r\n]/.test(input.value)) {
      throw new SwitchboardError('VALIDATION_FAILED', 'A cookie name cannot hold spaces, commas or semicolons, and a value cannot hold semicolons or line breaks.');
    }
    let expires: Date | 'Infinity' = 'Infinity';
    if (input.expires) {
      const d = new Date(input.expires);
      if (!Number.isFinite(d.getTime())) throw new SwitchboardError('VALIDATION_FAILED', `"${input.expires}" is not a date.`);
      expires = d;
    }
    const cookie = new Cookie({
      key: input.key,
      value: input.value,
      domain,
      path: input.path || '/',
      expires,
      secure: input.secure,
      httpOnly: input.httpOnly,
      // Domain cookies cannot apply to an IP address (RFC 6265 §5.1.3): those are host-only.
      hostOnly: isIP(domain) !== 0,
      ...(input.sameSite ? { sameSite: input.sameSite } : {}),
      creation: new Date(),
    });
    // Replace any cookie with the same identity (domain, path, name).
    await this.jar.store.removeCookie(domain, cookie.path ?? '/', input.key);
    await this.jar.store.putCookie(cookie);
    await this.persist();
    return cookieView(cookie);
  }

  async remove(domain: string, path: string, key: string): Promise<number> {
    const before = (await this.jar.store.getAllCookies()).length;
    await this.jar.store.removeCookie(domain, path, key);
    const removed = before - (await this.jar.store.getAllCookies()).length;
    if (removed) await this.persist();
    return removed;
  }

  async clear(domain?: string): Promise<number> {
    const all = await this.jar.store.getAllCookies();
    if (!domain) {
      await this.jar.store.removeAllCookies();
      if (all.length) await this.persist();
      return all.length;
    }
    const d = domain.toLowerCase().replace(/^\./, '');
    let n = 0;
    for (const c of all) {
      if ((c.domain ?? '') === d || (c.domain ?? '').endsWith(`.${d}`)) {
        await this.jar.store.removeCookie(c.domain ?? '', c.path ?? '/', c.key);
        n++;
      }
    }
    if (n) await this.persist();
    return n;
  }

  private async persist(): Promise<void> {
    this.domains = cookieDomains(this.jar);
    this.onChange();
    // Serialise writes: each one writes the jar as it is when its turn comes.
    this.saving = this.saving.then(async () => {
      const data = await this.jar.serialize();
      await writeFileAtomic(this.file, `${JSON.stringify(data)}\n`);
    });
    await this.saving.catch(() => undefined);
  }

  async flush(): Promise<void> {
    await this.saving.catch(() => undefined);
  }
}
