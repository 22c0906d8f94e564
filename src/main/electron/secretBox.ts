import { safeStorage } from 'electron';
import { PLAIN_SECRET_BOX, type SecretBox } from '../../engine/webhookTools/secretBox';

/**
 * Webhook signing secrets encrypted with the OS keychain (Keychain, DPAPI, libsecret/kwallet).
 * Call after `app.whenReady()`. When the OS offers no real encryption (Linux without a keyring,
 * where Electron would fall back to a hard-coded key) secrets are stored plainly and the UI says so.
 */
export function safeStorageSecretBox(): SecretBox {
  const linuxBackend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  if (!safeStorage.isEncryptionAvailable() || linuxBackend === 'basic_text') return PLAIN_SECRET_BOX;
  return {
    kind: 'os-encrypted',
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (data) => safeStorage.decryptString(Buffer.from(data, 'base64')),
  };
}
