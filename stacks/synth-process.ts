/**
 * Process settings for a faster synth, with the same output (profile: docs/performance.md, "Synth"). cdktf captures a
 * complete stack trace for every token it creates (tokens/private/stack-trace.js: thousands per synth),
 * kept only for its error messages, and the formatting of those traces was most of synth's own CPU.
 */
export function tuneSynthProcess(): void {
  // tsx turns source maps on, so every trace was mapped back to TypeScript, parsing each module's map
  // (about 0.6 s of 2.5). Synth errors then name lines of the transpiled code, which tsx keeps close.
  process.setSourceMapsEnabled(false);
  // cdktf captures its traces on plain objects, never on an Error: those go unformatted (about 0.2 s).
  // An Error's stack reads as V8's default.
  Error.prepareStackTrace = (error, frames) =>
    error instanceof Error ? [String(error), ...frames].join('\n    at ') : '';
}
