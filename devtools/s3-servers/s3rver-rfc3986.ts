import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';

/**
 * s3rver 5.0.0 canonicalises presigned query values with encodeURIComponent, which leaves ! ' ( ) * bare,
 * while SigV4 (and the AWS SDK, and real S3) percent-encodes them. Any presigned URL whose query holds
 * one of them fails there with SignatureDoesNotMatch, and every download URL does: its
 * response-content-disposition carries `filename*=UTF-8''…`. This loads s3rver's authentication
 * middleware with the RFC 3986 encoder the same file already imports, before s3rver itself is loaded.
 */
export function loadS3rverWithRfc3986Query(): void {
  const file = join(dirname(require.resolve('@20minutes/s3rver')), 'middleware', 'authentication.js');
  if (require.cache[file]) return;
  const source = readFileSync(file, 'utf8');
  const patched = source.replace(
    '[param, value].map(encodeURIComponent)',
    '[param, value].map(encodeURIComponentRFC3986)',
  );
  if (patched === source) throw new Error('s3rver changed: review devtools/s3-servers/s3rver-rfc3986.ts');
  const loaded = new Module(file, module) as Module & { _compile(code: string, filename: string): void };
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(file),
  );
  loaded._compile(patched, file);
  loaded.loaded = true;
  require.cache[file] = loaded;
}
