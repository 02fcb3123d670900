import * as path from 'path';
import type { Argv } from 'yargs';
import { Converter, type RuleResult } from '../convert';
import { mapAttackTags } from '../output/attack-mapping';
import { escapeHtml } from '../render/escape';
import { documentKind } from '../rule/parse-rule';
import { countYamlDocuments, parseYamlDocuments } from '../rule/yaml-source';
import { writeFileAtomic } from './atomic-write';
import { createFsLoader } from './fs-loader';
import { ExitCode, type CliIO } from './io';
import { readRuleFiles } from './read-rule-files';
import { formatDiagnostic } from './report';

export interface SiteArgs {
  output?: string;
  format: string;
  paths: string[];
}

export function addSiteOptions<T>(y: Argv<T>) {
  return y
    .option('output', { alias: 'o', type: 'string', describe: 'folder to write the site into (created if missing)', demandOption: true })
    .option('format', { alias: 'f', type: 'string', default: 'page-html', describe: 'the page format of every target' });
}

/** What the index shows and searches for one rule document. */
interface IndexEntry {
  title: string;
  level: string;
  status: string;
  tactics: string[];
  techniques: string[];
  logsource: string;
  yml: string;
  pages: { target: string; href: string | null; error: string | null }[];
}

/**
 * `sigma-convert site RULES... -o DIR`: a static detection site, one HTML page per rule and target (the
 * format `page-html`: every other platform's query is on each page), the portable .yml beside it for the
 * download link, and DIR/index.html listing every rule, searchable by technique, tactic and logsource.
 * It needs no server: open DIR/index.html.
 */
export function runSite(args: SiteArgs, io: CliIO): number {
  if (!args.output) {
    io.stderr('sigma-convert: site needs --output DIR');
    return ExitCode.Usage;
  }
  if (args.paths.length === 0) {
    io.stderr('sigma-convert: give at least one rule file or folder');
    return ExitCode.Usage;
  }
  const converter = new Converter(createFsLoader());
  const targets = converter.resources.targets();
  for (const target of targets) {
    if (!converter.backend(target).formats[args.format]) {
      io.stderr(`sigma-convert: target '${target}' has no format '${args.format}'`);
      return ExitCode.Usage;
    }
  }
  const out = args.output;
  const read = readRuleFiles(args.paths, io);
  const texts = read.files.map((f) => ({ file: f.file, text: f.text }));

  // Every target converts the whole set at once, so correlations find the rules they name.
  // Correlations have no page format: their page is the query of every target (renderCorrelationPage).
  const resultsByTarget = new Map<string, Map<string, RuleResult>>();
  const queriesByTarget = new Map<string, Map<string, RuleResult>>();
  const hasCorrelation = texts.some((t) => parseYamlDocuments(t.text).some((d) => !d.error && documentKind(d.value) === 'correlation'));
  for (const target of targets) {
    const key = (r: RuleResult) => `${r.file}\u0000${r.document}`;
    resultsByTarget.set(target, new Map(converter.convertCollection(texts, { target, format: args.format }).map((r) => [key(r), r])));
    if (hasCorrelation) queriesByTarget.set(target, new Map(converter.convertCollection(texts, { target, format: 'query' }).map((r) => [key(r), r])));
  }

  const base = commonFolder(texts.map((t) => path.resolve(t.file)));
  const sitePath = (file: string, document: number | null, extension: string) =>
    path
      .relative(base, path.resolve(file))
      .split(path.sep)
      .join('/')
      .replace(/\.ya?ml$/i, '') + (document === null ? '' : `.${document}`) + `.${extension}`;
  const attackData = converter.resources.metadata().attack;
  const entries: IndexEntry[] = [];
  let pagesWritten = 0;
  let failed = 0;
  let unsupported = 0;
  for (const { file, text } of texts) {
    const yml = sitePath(file, null, 'yml');
    writeFileAtomic(path.join(out, 'rules', yml), text);
    const docs = parseYamlDocuments(text).filter((d) => !d.error && documentKind(d.value) !== 'filter');
    const documents = countYamlDocuments(text);
    for (const doc of docs) {
      const raw = (doc.value ?? {}) as Record<string, unknown>;
      const tags = Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string') : [];
      const attack = mapAttackTags(tags, attackData);
      const logsource = raw.logsource && typeof raw.logsource === 'object' ? (raw.logsource as Record<string, unknown>) : {};
      const entry: IndexEntry = {
        title: typeof raw.title === 'string' ? raw.title : `${file} document ${doc.index}`,
        level: typeof raw.level === 'string' ? raw.level : '',
        status: typeof raw.status === 'string' ? raw.status : '',
        tactics: attack.tactics.map((t) => `${t.id} ${t.name}`),
        techniques: attack.techniques.map((t) => `${t.id} ${t.name}`),
        logsource: ['category', 'product', 'service']
          .map((k) => logsource[k])
          .filter((v): v is string => typeof v === 'string')
          .join(' / ') || (documentKind(raw) === 'correlation' ? 'correlation' : ''),
        yml: `rules/${yml}`,
        pages: [],
      };
      const correlation = documentKind(raw) === 'correlation';
      const queries = correlation
        ? targets.map((target) => ({ target, result: queriesByTarget.get(target)?.get(`${file}\u0000${doc.index}`) }))
        : [];
      for (const target of targets) {
        const r = (correlation ? queriesByTarget : resultsByTarget).get(target)?.get(`${file}\u0000${doc.index}`);
        if (!r) continue;
        const label = { file, document: doc.index, documents, title: r.title, id: r.id };
        if (!r.ok) {
          // A correlation type the target's backend file refuses (a Lucene query cannot order events) is the
          // target's limit, not the rule's failure: listed as not converted, with the reason, without failing the site.
          if (correlation && refusesCorrelationType(converter, target, raw)) {
            unsupported++;
            entry.pages.push({ target, href: null, error: r.errors.map((e) => e.message).join('; ') });
            continue;
          }
          for (const e of r.errors) io.stderr(formatDiagnostic(e, label, text) + ` (${target})`);
          failed++;
          entry.pages.push({ target, href: null, error: r.errors.map((e) => e.message).join('; ') });
          continue;
        }
        const name = sitePath(file, docs.length > 1 || documents > 1 ? doc.index : null, `${target}.html`);
        const page = correlation ? renderCorrelationPage(raw, target, queries, path.basename(yml)) : r.queries.join('\n\n') + '\n';
        writeFileAtomic(path.join(out, 'rules', name), page);
        pagesWritten++;
        entry.pages.push({ target, href: `rules/${name}`, error: null });
      }
      entries.push(entry);
    }
  }
  writeFileAtomic(path.join(out, 'index.html'), renderIndex(entries, targets));
  writeFileAtomic(path.join(out, 'search.js'), SEARCH_SCRIPT);
  io.stderr(`sigma-convert: site of ${entries.length} rule${entries.length === 1 ? '' : 's'} (${pagesWritten} pages, ${failed} not converted${unsupported ? `, ${unsupported} correlation${unsupported === 1 ? '' : 's'} of a type the target does not support` : ''}) in ${out}/index.html`);
  return failed > 0 || read.inputErrors ? ExitCode.RuleFailed : ExitCode.Ok;
}

/** A correlation's page: its description and the query of every target (the page formats render single rules). */
function renderCorrelationPage(raw: Record<string, unknown>, target: string, queries: readonly { target: string; result: RuleResult | undefined }[], yml: string): string {
  const text = (v: unknown) => escapeHtml(typeof v === 'string' ? v : '');
  const section = (q: { target: string; result: RuleResult | undefined }) =>
    `<section id="target-${escapeHtml(q.target)}"><h2>${escapeHtml(q.target.toUpperCase())}</h2>` +
    (q.result?.ok
      ? `<pre class="query" data-target="${escapeHtml(q.target)}"><code>${escapeHtml(q.result.queries.join('\n\n'))}</code></pre>`
      : `<p class="refused">Not converted: ${escapeHtml(q.result?.errors.map((e) => e.message).join('; ') ?? 'no result')}</p>`) +
    `</section>`;
  const own = queries.filter((q) => q.target === target);
  const others = queries.filter((q) => q.target !== target);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${text(raw.title)} · ${escapeHtml(target.toUpperCase())}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1.5rem}pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.8rem;white-space:pre-wrap}.description{white-space:pre-line}</style>
</head>
<body>
<h1>${text(raw.title)}</h1>
<p>Correlation rule${raw.level ? ` · ${text(raw.level)} severity` : ''}</p>
<p class="description">${text(raw.description)}</p>
${own.map(section).join('\n')}
<a class="download" href="${escapeHtml(yml)}" download>Download portable Sigma rule (.yml)</a>
<h2>Other platforms</h2>
${others.map(section).join('\n')}
</body>
</html>
`;
}

/** The deepest folder holding every rule file: pages are named by the rule's path below it. */
function commonFolder(files: readonly string[]): string {
  if (files.length === 0) return process.cwd();
  let parts = path.dirname(files[0] as string).split(path.sep);
  for (const f of files.slice(1)) {
    const other = path.dirname(f).split(path.sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(path.sep) || path.sep;
}

function renderIndex(entries: readonly IndexEntry[], targets: readonly string[]): string {
  const options = (values: Iterable<string>) => [...new Set(values)].sort().map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  const rows = entries.map((e) => {
    const search = [e.title, e.level, e.status, ...e.tactics, ...e.techniques, e.logsource].join(' ').toLowerCase();
    const pages = targets
      .map((t) => {
        const p = e.pages.find((x) => x.target === t);
        if (!p) return `<td></td>`;
        return p.href ? `<td><a href="${escapeHtml(p.href)}">${escapeHtml(t.toUpperCase())}</a></td>` : `<td class="refused" title="${escapeHtml(p.error ?? '')}">not converted</td>`;
      })
      .join('');
    return (
      `<tr data-search="${escapeHtml(search)}" data-tactics="${escapeHtml(e.tactics.join('|'))}" data-techniques="${escapeHtml(e.techniques.join('|'))}" data-logsource="${escapeHtml(e.logsource)}">` +
      `<td>${escapeHtml(e.title)}</td><td>${escapeHtml(e.level)}</td><td>${escapeHtml(e.tactics.join(', '))}</td><td>${escapeHtml(e.techniques.join(', '))}</td><td>${escapeHtml(e.logsource)}</td>${pages}<td><a href="${escapeHtml(e.yml)}" download>.yml</a></td></tr>`
    );
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:">
<title>Detections (${entries.length})</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
.filters{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}input,select{font:inherit;padding:.3rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.refused{color:#a40e26}tr[hidden]{display:none}
</style>
</head>
<body>
<h1>Detections</h1>
<div class="filters">
<input id="q" type="search" placeholder="Search title, technique, tactic, logsource" aria-label="search">
<select id="tactic" aria-label="tactic"><option value="">every tactic</option>${options(entries.flatMap((e) => e.tactics))}</select>
<select id="technique" aria-label="technique"><option value="">every technique</option>${options(entries.flatMap((e) => e.techniques))}</select>
<select id="logsource" aria-label="logsource"><option value="">every logsource</option>${options(entries.map((e) => e.logsource).filter((l) => l))}</select>
<span id="count">${entries.length} rules</span>
</div>
<table>
<thead><tr><th>Rule</th><th>Level</th><th>Tactics</th><th>Techniques</th><th>Logsource</th>${targets.map((t) => `<th>${escapeHtml(t.toUpperCase())}</th>`).join('')}<th>Sigma</th></tr></thead>
<tbody id="rules">
${rows.join('\n')}
</tbody>
</table>
<script src="search.js"></script>
</body>
</html>
`;
}

/** The index's filter: words of the search box (all must appear) and the three lists. */
const SEARCH_SCRIPT = `(function () {
  var q = document.getElementById('q'), tactic = document.getElementById('tactic'), technique = document.getElementById('technique'), logsource = document.getElementById('logsource');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#rules tr')), count = document.getElementById('count');
  function apply() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (row) {
      var ok = words.every(function (w) { return row.dataset.search.indexOf(w) >= 0; })
        && (!tactic.value || row.dataset.tactics.split('|').indexOf(tactic.value) >= 0)
        && (!technique.value || row.dataset.techniques.split('|').indexOf(technique.value) >= 0)
        && (!logsource.value || row.dataset.logsource === logsource.value);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' rules';
  }
  [q, tactic, technique, logsource].forEach(function (el) { el.addEventListener('input', apply); });
  apply();
})();
`;

/** Whether the target's backend file refuses this correlation's type (backends/<target>.yml, correlation.types), or has no correlation section. */
function refusesCorrelationType(converter: Converter, target: string, raw: Record<string, unknown>): boolean {
  const body = raw.correlation;
  const type = body && typeof body === 'object' ? (body as Record<string, unknown>).type : undefined;
  const def = converter.backend(target).correlation;
  if (def === undefined) return true; // no correlation section: the target writes no correlation rules at all
  const types = def.types;
  if (typeof type !== 'string' || !Object.hasOwn(types, type)) return false;
  return 'refuse' in (types[type] as object);
}
