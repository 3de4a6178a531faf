import { storedContentType } from './lib/files/content-type';
import { s3Key } from './lib/files/keys';
import { type StoreLimits, storeFile, storeLimitsFromEnv } from './lib/files/store';
import { bodyBytes } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { headerValue } from './lib/http/headers';
import { keyParam } from './lib/http/query';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** PUT /file?key= — stores the raw body (up to the configured limit) with its Content-Type. */
export function putFile(deps: CallerDeps, limits: StoreLimits = storeLimitsFromEnv()) {
  return httpHandler('PUT /file', deps.http, async ({ event, identityId }) => {
    const key = keyParam(event);
    const objectKey = s3Key(identityId, key, 'file');
    const contentType = storedContentType(headerValue(event, 'content-type'));
    const stored = await storeFile(
      deps.s3ForCaller(identityId),
      deps.bucket,
      objectKey,
      bodyBytes(event),
      contentType,
      limits,
    );
    return { status: 201, body: { key, ...stored } };
  });
}

export const handler = putFile(callerDepsFromEnv());
