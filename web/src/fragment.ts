/**
 * The whole page state in the URL fragment, so a link reproduces it: JSON, deflated with the browser's
 * CompressionStream (no library, no request), base64url. The fragment never leaves the browser.
 */
export interface PaneState {
  readonly target: string;
  readonly pipeline: string;
  readonly format: string;
}

export interface PageState {
  readonly rules: string;
  readonly events: string;
  readonly panes: readonly PaneState[];
}

const PREFIX = '#s=';
/** A fragment longer than this is not read back (a bound on what a pasted link can make the page do). */
export const MAX_FRAGMENT = 2_000_000;
/** The decompressed state is bounded too, so a crafted link cannot expand into gigabytes. */
const MAX_STATE_BYTES = 8_000_000;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  const reader = out.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the shared state is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  return joined;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function encodeState(state: PageState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The state of a fragment, null when there is none; throws with a readable message when it is damaged. */
export async function decodeState(hash: string): Promise<PageState | null> {
  if (!hash.startsWith(PREFIX)) return null;
  if (hash.length > MAX_FRAGMENT) throw new Error(`the link's state is longer than ${MAX_FRAGMENT} characters`);
  let value: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'), MAX_STATE_BYTES);
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`the link's state cannot be read (${(err as Error).message})`);
  }
  return checkState(value);
}

function checkState(value: unknown): PageState {
  const v = value as Partial<PageState> | null;
  const isPane = (p: unknown): p is PaneState =>
    typeof p === 'object' && p !== null && ['target', 'pipeline', 'format'].every((k) => typeof (p as Record<string, unknown>)[k] === 'string');
  if (!v || typeof v.rules !== 'string' || typeof v.events !== 'string' || !Array.isArray(v.panes) || !v.panes.every(isPane)) {
    throw new Error("the link's state is not a sigma-convert page state");
  }
  return { rules: v.rules, events: v.events, panes: v.panes };
}
