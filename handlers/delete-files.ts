import { deleteKeys } from './lib/files/delete';
import { arrayField, jsonBody, stringField } from './lib/http/body';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { MAX_KEYS_PER_CALL } from './lib/s3/limits';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** The most keys one request may name, as S3's DeleteObjects. */
export const MAX_DELETE_KEYS = MAX_KEYS_PER_CALL;

/** POST /files/delete { keys } — files and folders ("photos/"), each reported as deleted or failed. */
export function deleteFiles(deps: CallerDeps) {
  return httpHandler('POST /files/delete', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const body = jsonBody(event, ['keys']);
    const keys = arrayField(body.keys, 'keys', 1, MAX_DELETE_KEYS).map((key, i) =>
      stringField(key, `keys[${i}]`),
    );
    return {
      status: 200,
      body: await deleteKeys(deps.s3ForCaller(identityId), deps.bucket, identityId, keys),
    };
  });
}

export const handler = deleteFiles(callerDepsFromEnv());
