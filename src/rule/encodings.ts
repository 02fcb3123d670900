/** Value encodings of the Sigma modifiers base64, base64offset, utf16* and windash. */

/** Text as a "binary string": one char per byte (code < 256), the representation encoders pass along. */
export function utf8Bytes(text: string): string {
  // TextEncoder and btoa exist in Node and in browsers alike: the core needs no Buffer.
  let out = '';
  for (const b of new TextEncoder().encode(text)) out += String.fromCharCode(b);
  return out;
}

export function utf16Bytes(text: string, order: 'le' | 'be', bom: boolean): string {
  let out = bom ? (order === 'le' ? '\xff\xfe' : '\xfe\xff') : '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const hi = String.fromCharCode(code >> 8);
    const lo = String.fromCharCode(code & 0xff);
    out += order === 'le' ? lo + hi : hi + lo;
  }
  return out;
}

/** Encodes a byte string (or plain text, taken as UTF-8) to base64. */
export function base64(bytes: string, isBinary: boolean): string {
  return btoa(isBinary ? bytes : utf8Bytes(bytes));
}

/**
 * The three strings that occur in the base64 encoding of any text containing `bytes`, one per
 * alignment (0, 1 or 2 bytes of prefix), with the partially-determined edge characters removed.
 */
export function base64Offsets(bytes: string, isBinary: boolean): string[] {
  const data = isBinary ? bytes : utf8Bytes(bytes);
  const startTrim = [0, 2, 3];
  const endTrim = [0, 3, 2];
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = btoa('\0'.repeat(shift) + data);
    const end = encoded.length - (endTrim[(data.length + shift) % 3] as number);
    out.push(encoded.slice(startTrim[shift] as number, end));
  }
  return out;
}

/** The characters Windows command lines accept as an option prefix. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
