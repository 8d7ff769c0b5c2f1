import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto';
import type { SharedDb } from './db.js';

const IV = 12;
const TAG = 16;

/**
 * AES-256-GCM for personal data. A sealed value is iv (12 bytes, random) | tag (16) | ciphertext; the
 * owner's id is authenticated data, so a value copied into another row fails to open.
 */
export class Sealer {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error(`AES-256 needs a 32-byte key, got ${key.length} bytes`);
    this.key = Buffer.from(key);
  }

  seal(plain: string, owner: string): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(owner));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array, owner: string): string {
    const data = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV))
      .setAAD(Buffer.from(owner))
      .setAuthTag(data.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(data.subarray(IV + TAG)), decipher.final()]).toString('utf8');
  }

  /** A MAC of a constant: stored beside the data, it tells a wrong key at open without revealing the key. */
  check(): Buffer {
    return createHmac('sha256', this.key).update('gu/user-store/key-check').digest();
  }
}

/**
 * The 32-byte data key of a data directory, derived from the operator's secret with scrypt
 * (N=2^15, r=8, p=1) and a random salt kept in the database. The salt is not secret; the key is never
 * stored, so the database alone does not reveal personal data.
 */
export function deriveKey(db: SharedDb, secret: string): Buffer {
  if (!secret) throw new Error('a secret is required to encrypt personal data');
  const { sql } = db;
  sql.exec('CREATE TABLE IF NOT EXISTS crypto (name TEXT PRIMARY KEY, value BLOB NOT NULL)');
  sql.prepare("INSERT OR IGNORE INTO crypto (name, value) VALUES ('salt', ?)").run(randomBytes(16));
  const salt = sql.prepare<[], Buffer>("SELECT value FROM crypto WHERE name = 'salt'").pluck().get()!;
  return scryptSync(secret, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}
