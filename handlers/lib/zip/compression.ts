import { extname } from 'node:path/posix';

/**
 * Extensions whose content deflates well. Everything else is stored: photos, video, audio, archives and
 * modern office files are compressed already, and deflating them costs about 3× the time for a larger
 * file; unknown binaries are stored too, so that the default never pays that price blindly.
 */
// biome-ignore format: a word list reads better packed than one word a line
const COMPRESSIBLE = new Set([
  'txt', 'text', 'md', 'csv', 'tsv', 'json', 'jsonl', 'ndjson', 'geojson', 'xml', 'html', 'htm', 'xhtml', 'css',
  'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'py', 'java', 'c', 'h', 'cpp', 'go', 'rs', 'rb', 'php', 'sh', 'sql',
  'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'log', 'svg', 'rtf', 'tex', 'eml', 'ics', 'vcf', 'srt', 'vtt',
  'ps', 'eps', 'bmp', 'tif', 'tiff', 'wav', 'aiff', 'psd', 'doc', 'xls', 'ppt', 'tar',
]);

/** The default of `ZipToS3Options.compress`: deflate only types that usually shrink. */
export function isCompressible(name: string): boolean {
  return COMPRESSIBLE.has(extname(name).slice(1).toLowerCase());
}
