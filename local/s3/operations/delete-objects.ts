import { malformedXml } from '../errors';
import { receiveText } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendXml } from '../http/responses';
import { checkedVersionId } from '../http/version-id';
import { leafRecords, readXmlBody, textOf } from '../http/xml-body';
import { deleteOne, notifyRemoved } from './delete-object';

const MAX_DELETE_BODY = 4 * 1024 ** 2;
const MAX_KEYS = 1000;

/** DeleteObjects: `<Delete><Quiet/>?<Object><Key/><VersionId/>?</Object>…</Delete>`, at most 1000 keys. */
export async function deleteObjects(request: S3Request): Promise<void> {
  const objects = request.storage.bucket(request.bucket).objects;
  const body = readXmlBody(await receiveText(request, MAX_DELETE_BODY), 'Delete');
  const entries = body && leafRecords(body, 'Object');
  if (
    !entries ||
    entries.length === 0 ||
    entries.length > MAX_KEYS ||
    entries.some((e) => e.Key === undefined)
  ) {
    throw malformedXml();
  }
  const quiet = body !== undefined && textOf(body, 'Quiet') === 'true';
  const deleted: object[] = [];
  const errors: object[] = [];
  for (const { Key, VersionId } of entries) {
    if (VersionId !== undefined && checkedVersionIdOrUndefined(VersionId) === undefined) {
      errors.push({
        Key,
        VersionId,
        Code: 'NoSuchVersion',
        Message: 'The specified version does not exist.',
      });
      continue;
    }
    // S3 authorizes each key as its own DeleteObject (DeleteObjectVersion with a version id), and reports
    // a refused one in the result.
    const action = VersionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
    if (!request.isAllowed({ action, resource: `arn:aws:s3:::${request.bucket}/${Key}` })) {
      errors.push({
        Key,
        ...(VersionId === undefined ? {} : { VersionId }),
        Code: 'AccessDenied',
        Message: 'Access Denied',
      });
      continue;
    }
    const result = await deleteOne(objects, Key, VersionId);
    notifyRemoved(request, Key, result);
    deleted.push({ Key, ...result });
  }
  sendXml(request.res, 200, 'DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors } as never);
}

function checkedVersionIdOrUndefined(versionId: string): string | undefined {
  try {
    return checkedVersionId(versionId);
  } catch {
    return undefined;
  }
}
