import type { Session } from 'electron';
import { rendererCsp } from '../security/csp';
import { allowDevicePermission, allowPermissionCheck, allowPermissionRequest } from '../security/permissions';

/**
 * Session-wide locks: every permission refused, and the renderer's CSP as a response header (the
 * meta tag in index.html covers file://, where no headers exist; the header covers the dev server).
 */
export function hardenSession(session: Session, devServerUrl: string | undefined): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) => allowPermissionCheck(permission, requestingOrigin));
  session.setDevicePermissionHandler((details) => allowDevicePermission(details.deviceType));
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));

  const csp = rendererCsp(devServerUrl ? { devServerUrl } : {});
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}
