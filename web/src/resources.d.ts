/**
 * The definitions and templates, bundled by scripts/build-web.ts: each file's text (path → text), and what
 * the build made of them (parsed and checked data, precompiled templates) for createMapLoader.
 */
declare module 'virtual:sigma-resources' {
  import type { BundledBuild } from '../../src/core/resources';
  const resources: { readonly files: Readonly<Record<string, string>>; readonly built: Readonly<Record<string, BundledBuild>> };
  export default resources;
}

/** The core loads optional modules with require(); esbuild resolves them at bundle time. */
declare function require(id: string): any; // eslint-disable-line @typescript-eslint/no-explicit-any
