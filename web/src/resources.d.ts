/** The definitions and templates, bundled by scripts/build-web.ts as path → text. */
declare module 'virtual:sigma-resources' {
  const files: Readonly<Record<string, string>>;
  export default files;
}

/** The core loads optional modules with require(); esbuild resolves them at bundle time. */
declare function require(id: string): any; // eslint-disable-line @typescript-eslint/no-explicit-any
