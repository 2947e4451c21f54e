// Minimal types for http_ece (Encrypted Content-Encoding for HTTP, RFC 8188), the library web-push
// encrypts with; the push receiver uses it to decrypt. Only what the tests use is declared.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  interface DecryptParams {
    /** 'aes128gcm' (RFC 8188 / RFC 8291, what web-push sends). */
    version: 'aes128gcm';
    /** The receiver's ECDH key pair (the subscription's p256dh private half). */
    privateKey: ECDH;
    /** The subscription's 16-byte auth secret (Buffer, or base64url string). */
    authSecret: Buffer | string;
  }

  const ece: {
    /** Throws when the body cannot be decrypted (wrong keys, tampered, truncated). */
    decrypt(buffer: Buffer, params: DecryptParams): Buffer;
  };
  export = ece;
}
