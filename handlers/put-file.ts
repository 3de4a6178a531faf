import { bodyBytes } from './lib/body';
import { storedContentType } from './lib/content-type';
import { depsFromEnv, type HandlerDeps } from './lib/deps';
import { headerValue, httpHandler } from './lib/http';
import { keyParam } from './lib/key-param';
import { s3Key } from './lib/keys';
import { type StoreFileOptions, storeFile, storeFileOptionsFromEnv } from './lib/store-file';

/** PUT /file?key= — stores the raw body (up to the configured limit) with its Content-Type. */
export function putFile(deps: HandlerDeps, options: StoreFileOptions) {
  return httpHandler('PUT /file', deps.http, async ({ event, identityId }) => {
    const key = keyParam(event);
    const objectKey = s3Key(identityId, key, 'file');
    const contentType = storedContentType(headerValue(event, 'content-type'));
    const stored = await storeFile(deps.s3, deps.bucket, objectKey, bodyBytes(event), contentType, options);
    return { status: 201, body: { key, ...stored } };
  });
}

export const handler = putFile(depsFromEnv(), storeFileOptionsFromEnv());
