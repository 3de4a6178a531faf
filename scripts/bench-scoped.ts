// npm run bench:scoped: what the folder-scoped credentials (handlers/lib/s3/caller-session.ts) cost per
// request, in local mode's S3 and STS (devtools/scoped-s3.ts, 127.0.0.1 only). It calls GET /file (a
// HeadObject and a presigned URL) in-process three ways, --requests times each (default 200):
//   unscoped: the function's own client, as before the scoping;
//   cold:     a new identity each time, so each request pays the AssumeRole call and a new S3 client;
//   warm:     one identity, its session cached.
// Prints median and p95 per way and the extra cost of cold and warm over unscoped; the last line is one
// JSON object with those figures. Real STS answers over the network, so its cold cost differs (docs/performance.md, "Scoped credentials").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { startScopedS3 } from '../devtools/scoped-s3';
import type { getFile as GetFile } from '../handlers/get-file';
import type { CallerDeps } from '../handlers/lib/wiring/deps';

const POOL_ID = 'eu-west-1:00000000-0000-4000-8000-0000000be4c4';
const context = { awsRequestId: 'bench' };

function requestCount(): number {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '200' } } });
  const value = Number(values.requests);
  if (!Number.isInteger(value) || value < 10) throw new Error('--requests must be an integer ≥ 10');
  return value;
}

function event(identityId: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/file',
    resource: '/file',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: { key: 'a.txt' },
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      identity: {
        cognitoIdentityId: identityId,
        cognitoIdentityPoolId: POOL_ID,
        cognitoAuthenticationType: 'authenticated',
      },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * handlers/get-file.ts builds its own deps from the environment when it loads (its `handler` export):
 * give it settings, then load it. The benchmark hands the factory its own deps.
 */
async function loadGetFile(): Promise<typeof GetFile> {
  Object.assign(process.env, {
    BUCKET_NAME: 'unused',
    ALLOWED_ORIGINS: 'http://localhost',
    IDENTITY_POOL_ID: POOL_ID,
    CALLER_ROLE_ARN: 'arn:aws:iam::000000000000:role/unused',
    AWS_REGION: 'eu-west-1',
  });
  // require, not import(): the handlers are TypeScript, compiled on load by tsx (as local/lambda does).
  return (require('../handlers/get-file') as { getFile: typeof GetFile }).getFile;
}

async function main(): Promise<void> {
  const requests = requestCount();
  const getFile = await loadGetFile();
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-bench-scoped-'));
  const system = await startScopedS3(dataDir);
  try {
    const http = { allowedOrigins: [], identityPoolId: POOL_ID, log: () => {} };
    const scoped = system.callerDeps(http);
    const unscoped: CallerDeps = { ...scoped, s3ForCaller: () => system.functionClient };
    const identities = Array.from(
      { length: requests + 1 },
      (_, i) => `eu-west-1:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const id of identities) {
      await system.functionClient.send(
        new PutObjectCommand({ Bucket: system.bucket, Key: `${id}/a.txt`, Body: 'bench' }),
      );
    }

    const time = async (handler: ReturnType<typeof GetFile>, identityId: string) => {
      const started = performance.now();
      const res = await handler(event(identityId), context);
      const ms = performance.now() - started;
      if (res.statusCode !== 200) throw new Error(`GET /file answered ${res.statusCode}: ${res.body}`);
      return ms;
    };
    const measure = async (handler: ReturnType<typeof GetFile>, identityOf: (i: number) => string) => {
      await time(handler, identityOf(-1)); // warms the code path (and, for warm, the session)
      const samples: number[] = [];
      for (let i = 0; i < requests; i++) samples.push(await time(handler, identityOf(i)));
      const sorted = samples.sort((a, b) => a - b);
      return { medianMs: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)) };
    };

    // JIT and connection warm-up, so that the first way measured is not the slowest.
    const warmUp = getFile(unscoped);
    for (let i = 0; i < 100; i++) await time(warmUp, identities[0] as string);
    const results = {
      unscoped: await measure(getFile(unscoped), () => identities[0] as string),
      warm: await measure(getFile(scoped), () => identities[0] as string),
      // -1 → the last identity, which the warm-up uses; every measured request uses a new one.
      cold: await measure(getFile(scoped), (i) => identities.at(i === -1 ? -1 : i + 1) as string),
    };
    const calls = system.assumeRoleCalls();
    const extra = (way: 'warm' | 'cold') => round(results[way].medianMs - results.unscoped.medianMs);
    console.log(`GET /file (HeadObject + presigned URL), ${requests} requests per way, local S3 + local STS`);
    for (const [way, r] of Object.entries(results)) {
      console.log(`  ${way.padEnd(9)} median ${r.medianMs} ms  p95 ${r.p95Ms} ms`);
    }
    console.log(`  extra per request: warm ${extra('warm')} ms, cold (AssumeRole) ${extra('cold')} ms`);
    console.log(`  AssumeRole calls: ${calls} (one per identity)`);
    console.log(
      JSON.stringify({
        requests,
        ...results,
        warmExtraMs: extra('warm'),
        coldExtraMs: extra('cold'),
        assumeRoleCalls: calls,
      }),
    );
  } finally {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
