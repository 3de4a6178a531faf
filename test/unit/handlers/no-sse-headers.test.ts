import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

// Encryption at rest is the bucket's default (SSE-S3, or SSE-KMS under the environment's key): no request
// names an algorithm or a key, so local mode (no KMS) runs the same calls, presigned URLs sign no SSE
// header, and the bucket policy's refusal of another algorithm or key never meets one of ours
// (docs/security.md, "Encryption at rest").
const ROOTS = ['handlers', 'packages/client', 'packages/react', 'web/src'];
const SKIPPED = new Set(['node_modules', 'dist', 'test']);
const SSE = /ServerSideEncryption|SSEKMS|SSECustomer|BucketKeyEnabled|x-amz-server-side-encryption/i;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('requests to S3', () => {
  it('never ask for an encryption: the bucket default applies', () => {
    const files = ROOTS.flatMap((root) => sources(root));
    expect(files.length).to.be.greaterThan(100);
    expect(files.filter((file) => SSE.test(readFileSync(file, 'utf8')))).to.deep.equal([]);
  });
});
