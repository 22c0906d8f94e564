import { toast } from './toastStore';

/** Clipboard API when allowed, a hidden textarea otherwise (plain http web door, old shells). */
export async function copyText(text: string, what = 'Copied'): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
    } else if (!legacyCopy(text)) {
      throw new Error('copy refused');
    }
    toast.success(`${what} to clipboard`);
    return true;
  } catch {
    if (legacyCopy(text)) {
      toast.success(`${what} to clipboard`);
      return true;
    }
    toast.error('Could not copy: the clipboard is not available here. Select the text and copy it by hand.');
    return false;
  }
}

function legacyCopy(text: string): boolean {
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** Saves bytes or text as a file through a temporary blob link. */
export function downloadBlob(data: BlobPart, filename: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Lets the browser fetch and save a same-origin URL itself (streams; nothing held in memory). */
export function downloadUrl(href: string, filename?: string): void {
  const a = document.createElement('a');
  a.href = href;
  if (filename) a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
