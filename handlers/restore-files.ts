import { MAX_RESTORE_ITEMS } from '../contract/request-limits';
import { MAX_SINGLE_PUT_BYTES } from '../contract/s3-limits';
import { type ObjectKey, s3Key } from './lib/files/keys';
import { arrayField, jsonBody, stringField } from './lib/http/body';
import { BadRequestError } from './lib/http/errors';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { holdForWrite } from './lib/quotas/hold';
import { type QuotaDeps, quotaFromEnv } from './lib/quotas/quota-deps';
import { restoreVersions } from './lib/versions/restore';
import { checkVersionId } from './lib/versions/version-id';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/**
 * No item starts later than this after the request arrived: a CopyObject started then still has the
 * rest of the function's 29 s (routes.ts) before API Gateway's limit; later items are `failed` (retry).
 */
export const RESTORE_START_WINDOW_MS = 15_000;

/**
 * POST /files/restore { items: [{ key, versionId }] } — each version becomes its file's current version
 * again; reported per item as restored (with its size), notFound, quotaExceeded (its bytes are held in
 * the caller's quota before the copy, as PUT /file's are), tooLarge (above 5 GiB) or failed. Any malformed item refuses the whole
 * request before a copy is made.
 */
export function restoreFiles(deps: CallerDeps, quota: QuotaDeps = quotaFromEnv()) {
  return httpHandler('POST /files/restore', deps.http, async ({ event, identityId }) => {
    const started = Date.now();
    queryParams(event, []);
    const body = jsonBody(event, ['items']);
    const items = arrayField(body.items, 'items', 1, MAX_RESTORE_ITEMS).map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new BadRequestError(`"items[${i}]" must be an object.`);
      const fields = item as Record<string, unknown>;
      const unknown = Object.keys(fields).find((name) => name !== 'key' && name !== 'versionId');
      if (unknown !== undefined) throw new BadRequestError(`Unknown field "items[${i}].${unknown}".`);
      const key = stringField(fields.key, `items[${i}].key`);
      return {
        key,
        objectKey: s3Key(identityId, key, 'file'),
        versionId: checkVersionId(fields.versionId, `items[${i}].versionId`),
      };
    });
    const hold = (objectKey: ObjectKey, size: number) => holdForWrite(quota, identityId, objectKey, size);
    // A version above CopyObject's 5 GiB is refused, not copied in parts that could outlast the 29 s.
    const limits = { maxBytes: MAX_SINGLE_PUT_BYTES, startBy: started + RESTORE_START_WINDOW_MS };
    const results = await restoreVersions(deps.s3ForCaller(identityId), deps.bucket, items, hold, limits);
    return { status: 200, body: { items: results } };
  });
}

export const handler = restoreFiles(callerDepsFromEnv());
