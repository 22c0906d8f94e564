import type { SecretStorageKind } from '../../shared/model/webhookTools';

/**
 * How signing secrets are kept at rest. The Electron shell passes one built on safeStorage (OS
 * keychain); the CLI and the web door use PLAIN_SECRET_BOX, which stores them readable in the data
 * directory and says so in the UI.
 */
export interface SecretBox {
  kind: SecretStorageKind;
  /** Plain text → opaque base64. */
  encrypt(plain: string): string;
  /** Opaque base64 → plain text; throws when it cannot (another machine's keychain). */
  decrypt(data: string): string;
}

export const PLAIN_SECRET_BOX: SecretBox = {
  kind: 'plain',
  encrypt: (plain) => Buffer.from(plain, 'utf8').toString('base64'),
  decrypt: (data) => Buffer.from(data, 'base64').toString('utf8'),
};
