/** One decoder for every file: decode() without `stream` starts afresh each time. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Turns file bytes into text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused. */
export function decodeRuleBytes(bytes: Buffer): { text: string } | { error: string } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: normalize(bytes.subarray(2).toString('utf16le')) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    if (swapped.length % 2 !== 0) return { error: 'the file starts with a UTF-16 byte-order mark but has an odd number of bytes' };
    return { text: normalize(swapped.swap16().toString('utf16le')) };
  }
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return { error: 'the file is not valid UTF-8 text (is it binary, or in another encoding? save it as UTF-8)' };
  }
  if (text.includes('\u0000')) return { error: 'the file contains NUL bytes: it looks like a binary file, not a YAML rule' };
  return { text: normalize(text) };
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
