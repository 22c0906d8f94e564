/**
 * Web permissions for the desktop renderer: none. Switchboard needs no camera, microphone,
 * location, notifications, clipboard-read, USB, HID or serial, and content strangers sent must
 * never get them. Clipboard writes go through document.execCommand('copy'), which needs no
 * permission (see src/renderer/src/components/clipboard.ts).
 */
export function allowPermissionRequest(_permission: string, _requestingUrl?: string): boolean {
  return false;
}

export function allowPermissionCheck(_permission: string, _requestingOrigin?: string): boolean {
  return false;
}

export function allowDevicePermission(_deviceType: string): boolean {
  return false;
}
