/**
 * A small reader of Splunk .conf files, as Splunk documents them: `[stanza]` headers, `key = value` lines,
 * `#` comment lines, and a value continued on the next line when its line ends in a backslash (the
 * backslash is dropped and the line break kept).
 */
export type ConfStanzas = Map<string, Map<string, string>>;

export function parseConf(text: string): ConfStanzas {
  const stanzas: ConfStanzas = new Map();
  let current = new Map<string, string>();
  stanzas.set('default', current);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const header = /^\[(.*)\]\s*$/.exec(line);
    if (header) {
      const name = header[1] as string;
      if (stanzas.has(name) && name !== 'default') throw new Error(`duplicate stanza [${name}]`);
      current = new Map();
      stanzas.set(name, current);
      continue;
    }
    const kv = /^([^=\s][^=]*?)\s*=\s?(.*)$/.exec(line);
    if (!kv) throw new Error(`line ${i + 1} is neither a stanza, a setting nor a comment: ${line}`);
    let value = kv[2] as string;
    while (value.endsWith('\\') && i + 1 < lines.length) {
      value = value.slice(0, -1) + '\n' + (lines[++i] as string);
    }
    const key = (kv[1] as string).trim();
    if (current.has(key)) throw new Error(`duplicate key ${key}`);
    current.set(key, value);
  }
  return stanzas;
}
