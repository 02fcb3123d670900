/**
 * app.js: the converter page. The conversion core runs here with the definitions bundled as a map; every
 * list (targets, pipelines, formats) comes from those definitions. Output is what the CLI prints.
 */
import resources from 'virtual:sigma-resources';
import { Converter, createMapLoader, type ConvertOptions, type ResourceLoader } from '../../src/index';
import { listPipelines } from '../../src/pipeline/load-pipeline';
import { convertLikeCli, type PageMessage, type PaneOutput } from './cli-output';
import { evaluateEvents, formatEventsReport } from './events';
import { decodeState, encodeState, type PageState, type PaneState } from './fragment';
import type { EditorHandle, EditorMark } from './editor-api';

const RULE_FILE = 'rules.yml';
/** Input bound: a larger paste is refused with a message instead of freezing the tab. */
const MAX_INPUT = 2_000_000;

const EXAMPLE = `title: Whoami Execution
id: 8de1cbe3-a4b3-4a8a-9d5a-4b6f6f4e8c11
status: experimental
description: Detects the execution of whoami, often used by attackers after gaining access.
references:
    - https://attack.mitre.org/techniques/T1033/
author: sigma-convert example
date: 2026-01-01
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    filter_admin:
        User|contains: 'ADMIN'
    condition: selection and not filter_admin
falsepositives:
    - Administrative scripts
level: medium
`;

/**
 * The core and the targets, made by start(), never at the top level of this script: while the top level
 * runs, its frame is the whole bundle, and an Error created there (the Handlebars runtime makes one as it
 * loads) has Chromium reparse the 1.6 MB script for the stack trace's line numbers - 300 ms.
 */
let loader!: ResourceLoader;
let converter!: Converter;
let targets!: string[];

function createCore(): void {
  loader = createMapLoader(resources.files, resources.built);
  converter = new Converter(loader);
  targets = loader
    .list('backends')
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.replace(/\.yml$/, ''));
}
/** Every pipeline and its target: read on first use (after the first conversion), since it parses every pipeline file. */
let pipelineTargets: { name: string; target: string }[] | null = null;
function pipelines(): { name: string; target: string }[] {
  pipelineTargets ??= listPipelines(loader).map((name) => ({ name, target: converter.pipeline(name).target }));
  return pipelineTargets;
}

/** The targets shown side by side on a fresh page (a preference, not a list of what exists: each must be defined). */
const FIRST_PANES: readonly string[] = ['kql', 'splunk', 'eql'];

function pipelinesOf(target: string): string[] {
  return [converter.backend(target).default_pipeline, ...pipelines().filter((p) => p.target === target).map((p) => p.name), 'none'].filter((p, i, all) => all.indexOf(p) === i);
}

function formatsOf(target: string): string[] {
  return Object.keys(converter.backend(target).formats);
}

function defaultPane(target: string): PaneState {
  return { target, pipeline: converter.backend(target).default_pipeline, format: 'query' };
}

/** A pane state from a link, corrected to what the definitions offer. */
function validPane(p: PaneState, fallback: string): PaneState {
  const target = targets.includes(p.target) ? p.target : fallback;
  // An unknown pipeline is reported by the conversion itself, as the CLI reports it.
  return { target, pipeline: p.pipeline, format: formatsOf(target).includes(p.format) ? p.format : 'query' };
}

interface Pane {
  state: PaneState;
  readonly root: HTMLElement;
  readonly target: HTMLSelectElement;
  readonly pipeline: HTMLSelectElement;
  readonly format: HTMLSelectElement;
  readonly output: HTMLElement;
  readonly messages: HTMLElement;
  last: PaneOutput | null;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLElement>('status');
const eventsInput = byId<HTMLTextAreaElement>('events');
const eventsResult = byId<HTMLElement>('events-result');
const eventsPipeline = byId<HTMLSelectElement>('events-pipeline');
const panes: Pane[] = [];
let editor: EditorHandle;
let scheduled = false;
let fragmentTimer: number | undefined;
/** firstConversionMs: from navigation start to the first output; the others: the conversions' own time. */
const timings = { firstConversionMs: -1, firstConversionOwnMs: -1, lastConversionMs: -1, conversions: 0 };

/** The options, and the current value even when the definitions lack it (a link's unknown pipeline: the pane says why). */
function fillSelect(select: HTMLSelectElement, values: readonly string[], selected: string): void {
  const list = values.includes(selected) ? values : [...values, selected];
  select.replaceChildren(...list.map((v) => new Option(v, v, false, v === selected)));
}

function createPane(state: PaneState, index: number): Pane {
  const template = byId<HTMLTemplateElement>('pane-template');
  const root = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
  root.dataset.pane = String(index);
  const pane: Pane = {
    state,
    root,
    target: root.querySelector('select.target') as HTMLSelectElement,
    pipeline: root.querySelector('select.pipeline') as HTMLSelectElement,
    format: root.querySelector('select.format') as HTMLSelectElement,
    output: root.querySelector('.output') as HTMLElement,
    messages: root.querySelector('.messages') as HTMLElement,
    last: null,
  };
  const sync = () => syncSelects(pane);
  // Until the lists are filled (after the first conversion), each select shows its current value only.
  fillSelect(pane.target, [state.target], state.target);
  fillSelect(pane.pipeline, [state.pipeline], state.pipeline);
  fillSelect(pane.format, [state.format], state.format);
  pane.target.addEventListener('change', () => {
    pane.state = defaultPane(pane.target.value);
    sync();
    changed();
  });
  pane.pipeline.addEventListener('change', () => {
    pane.state = { ...pane.state, pipeline: pane.pipeline.value };
    changed();
  });
  pane.format.addEventListener('change', () => {
    pane.state = { ...pane.state, format: pane.format.value };
    changed();
  });
  (root.querySelector('button.copy') as HTMLElement).addEventListener('click', () => void copy(pane.output.textContent ?? ''));
  (root.querySelector('button.download') as HTMLElement).addEventListener('click', () =>
    download(`rules.${pane.last?.extension ?? 'txt'}`, pane.output.textContent ?? ''),
  );
  byId('panes').append(root);
  return pane;
}

function syncSelects(pane: Pane): void {
  fillSelect(pane.target, targets, pane.state.target);
  fillSelect(pane.pipeline, pipelinesOf(pane.state.target), pane.state.pipeline);
  fillSelect(pane.format, formatsOf(pane.state.target), pane.state.format);
}

function options(state: PaneState): ConvertOptions {
  return { target: state.target, pipeline: state.pipeline, format: state.format };
}

/** Converts the editor's text for every pane and marks the errors in the editor. */
function convertAll(): void {
  const started = performance.now();
  const text = editor.text();
  for (const pane of panes) convertPane(pane, text);
  finishConversion(text, performance.now() - started);
}

function convertPane(pane: Pane, text: string): void {
  const out: PaneOutput =
    text.length > MAX_INPUT
      ? { stdout: '', messages: [{ severity: 'error', text: `the rules are ${text.length} characters; the page converts at most ${MAX_INPUT}`, message: 'input too large' }], extension: 'txt', converted: 0, failed: 0 }
      : convertLikeCli(converter, text, RULE_FILE, options(pane.state));
  pane.last = out;
  pane.output.textContent = out.stdout;
  pane.messages.textContent = out.messages.map((m) => m.text).join('\n');
  pane.root.dataset.failed = String(out.failed);
}

/** After every pane has converted: the editor's marks, the status line, the events. */
function finishConversion(text: string, elapsed: number): void {
  const marks = new Map<string, EditorMark>();
  for (const pane of panes) for (const m of pane.last?.messages ?? []) addMark(marks, m, pane.state.target);
  editor.setMarks([...marks.values()]);
  timings.lastConversionMs = elapsed;
  timings.conversions++;
  const first = panes[0]?.last;
  status.textContent = first ? `${first.converted} converted, ${first.failed} failed (${panes.map((p) => p.state.target).join(', ')}) in ${elapsed.toFixed(1)} ms` : '';
  evaluateEventsPanel(text);
}

/**
 * The first conversion after a load: one pane at a time, each in its own task, so the first output is
 * on screen after loading one target's definitions rather than all three.
 */
async function convertProgressively(states: readonly (() => PaneState)[]): Promise<void> {
  const started = performance.now();
  const text = editor.text();
  for (const [i, state] of states.entries()) {
    const pane = createPane(state(), i);
    panes.push(pane);
    convertPane(pane, text);
    if (i === 0) {
      timings.firstConversionMs = performance.now();
      timings.firstConversionOwnMs = performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  finishConversion(text, performance.now() - started);
}

/** One mark per place and message; the same error from several targets names them all. */
function addMark(marks: Map<string, EditorMark>, m: PageMessage, target: string): void {
  if (m.line === undefined) return;
  const key = `${m.line}:${m.col}:${m.message}`;
  const seen = marks.get(key);
  if (seen) marks.set(key, { ...seen, message: seen.message.includes(`[${target}]`) ? seen.message : `${seen.message} [${target}]` });
  else marks.set(key, { line: m.line, col: m.col ?? 1, severity: m.severity, message: `${m.message} [${target}]` });
}

function evaluateEventsPanel(text: string): void {
  const events = eventsInput.value;
  if (!events.trim()) {
    eventsResult.textContent = '';
    return;
  }
  try {
    eventsResult.textContent = formatEventsReport(evaluateEvents(loader, converter, text, RULE_FILE, events, eventsPipeline.value));
  } catch (err) {
    eventsResult.textContent = `error: ${(err as Error).message}`;
  }
}

/** Coalesces the changes of one frame into one conversion; the link is updated once typing pauses. */
function changed(): void {
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      convertAll();
    });
  }
  window.clearTimeout(fragmentTimer);
  fragmentTimer = window.setTimeout(() => void saveFragment(), 400);
}

function currentState(): PageState {
  return { rules: editor.text(), events: eventsInput.value, panes: panes.map((p) => p.state) };
}

async function saveFragment(): Promise<void> {
  const hash = await encodeState(currentState());
  if (hash !== location.hash) history.replaceState(null, '', hash);
  document.body.dataset.saved = String(Date.now());
}

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'copied';
  } catch {
    status.textContent = 'the browser did not allow copying; select the text instead';
  }
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Opened or dropped files: one file as it is, several as the documents of one YAML stream. */
async function loadFiles(files: FileList | readonly File[]): Promise<void> {
  const list = [...files].filter((f) => /\.ya?ml$/i.test(f.name) || f.type.includes('yaml') || f.type.startsWith('text/'));
  if (!list.length) {
    status.textContent = 'drop or open .yml files';
    return;
  }
  const texts = await Promise.all(list.map((f) => f.text()));
  editor.setText(texts.map((t) => (t.endsWith('\n') ? t : t + '\n')).join('---\n'));
  changed();
  status.textContent = `opened ${list.map((f) => f.name).join(', ')}`;
}

function applyState(state: PageState): void {
  editor.setText(state.rules);
  eventsInput.value = state.events;
  if (state.events) (byId('events-panel') as HTMLDetailsElement).open = true;
  state.panes.slice(0, panes.length).forEach((p, i) => {
    const pane = panes[i] as Pane;
    pane.state = validPane(p, pane.state.target);
    syncSelects(pane);
  });
  convertAll();
}

/**
 * Until CodeMirror (editor.js, loaded after this script) is there, the text lives here; the first conversion
 * does not wait for the editor. Without editor.js the page falls back to a plain text area.
 */
function textHolder(initial: string): EditorHandle {
  let text = initial;
  return { text: () => text, setText: (t) => void (text = t), setMarks: () => undefined, focus: () => undefined };
}

function textAreaEditor(parent: HTMLElement, initial: string): EditorHandle {
  const area = document.createElement('textarea');
  area.className = 'fallback-editor';
  area.spellcheck = false;
  area.value = initial;
  area.setAttribute('aria-label', 'Sigma rules (YAML)');
  area.addEventListener('input', changed);
  parent.append(area);
  return { text: () => area.value, setText: (t) => void (area.value = t), setMarks: () => undefined, focus: () => area.focus() };
}

function mountEditor(): void {
  const factory = window.SigmaEditor;
  const parent = byId('editor');
  const text = editor.text();
  editor = factory ? factory.create(parent, { text, label: 'Sigma rules (YAML)', language: 'yaml', onChange: changed }) : textAreaEditor(parent, text);
  convertAll(); // marks the errors in the new editor
}

async function start(): Promise<void> {
  createCore();
  let initial: PageState | null = null;
  try {
    initial = await decodeState(location.hash);
  } catch (err) {
    status.textContent = (err as Error).message;
  }
  editor = textHolder(initial?.rules ?? EXAMPLE);
  if (initial) {
    eventsInput.value = initial.events;
    if (initial.events) (byId('events-panel') as HTMLDetailsElement).open = true;
  }
  // The three SIEM languages people compare most often, where the definitions have them; then any others.
  const defaults = [...FIRST_PANES.filter((t) => targets.includes(t)), ...targets.filter((t) => !FIRST_PANES.includes(t))].slice(0, 3);
  // Each pane's definitions are loaded in its own turn (defaultPane reads the target's definition).
  await convertProgressively(defaults.map((t, i) => () => (initial?.panes[i] ? validPane(initial.panes[i] as PaneState, t) : defaultPane(t))));

  // After the first output: the full lists, then the editor.
  panes.forEach(syncSelects);
  fillSelect(eventsPipeline, ['none', ...pipelines().map((p) => p.name)], 'none');
  if (window.SigmaEditor) mountEditor();
  else
    await new Promise<void>((resolve) => {
      const mount = () => {
        if (!editorMounted) {
          editorMounted = true;
          mountEditor();
        }
        resolve();
      };
      let editorMounted = false;
      window.addEventListener('sigma-editor', mount, { once: true });
      // editor.js missing or broken: the page stays usable with a plain text area.
      window.addEventListener('load', () => setTimeout(mount, 0), { once: true });
    });

  eventsInput.addEventListener('input', changed);
  eventsPipeline.addEventListener('change', changed);
  byId('open').addEventListener('change', (e) => void loadFiles((e.target as HTMLInputElement).files ?? []));
  byId('download-rules').addEventListener('click', () => download(RULE_FILE, editor.text()));
  byId('share').addEventListener('click', async () => {
    await saveFragment();
    await copy(location.href);
  });
  const drop = byId('editor');
  drop.addEventListener(
    'dragover',
    (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    },
    true,
  );
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener(
    'drop',
    (e) => {
      drop.classList.remove('dragging');
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      e.stopPropagation();
      void loadFiles(e.dataTransfer.files);
    },
    true,
  );
  window.addEventListener('hashchange', async () => {
    try {
      const state = await decodeState(location.hash);
      if (state && JSON.stringify(state) !== JSON.stringify(currentState())) applyState(state);
    } catch (err) {
      status.textContent = (err as Error).message;
    }
  });
}

/** For the browser tests and `npm run bench`: the page's own view of its outputs and timings. */
// start() runs as a microtask, once this script's top level has finished (see createCore).
const ready = Promise.resolve()
  .then(start)
  .then(() => true);
(window as unknown as { sigmaConvertPage: unknown }).sigmaConvertPage = {
  ready,
  timings,
  outputs: () => panes.map((p) => ({ ...p.state, stdout: p.last?.stdout ?? '', messages: p.last?.messages ?? [] })),
  setRules: (text: string) => {
    editor.setText(text);
    changed();
  },
  rules: () => editor.text(),
  editorReady: () => byId('editor').querySelector('.cm-content, textarea') !== null,
};
ready.catch((err: Error) => {
  status.textContent = `the page failed to start: ${err.message}`;
});
