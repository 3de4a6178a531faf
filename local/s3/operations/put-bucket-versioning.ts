import { malformedXml, notImplemented } from '../errors';
import { receiveText } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { readXmlBody, textOf } from '../http/xml-body';

const MAX_VERSIONING_BODY = 64 * 1024;

/** PutBucketVersioning: `<VersioningConfiguration><Status>Enabled|Suspended</Status>`, no MFA delete. */
export async function putBucketVersioning(request: S3Request): Promise<void> {
  const body = readXmlBody(await receiveText(request, MAX_VERSIONING_BODY), 'VersioningConfiguration');
  const status = body && textOf(body, 'Status');
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (body?.MfaDelete !== undefined) throw notImplemented('MfaDelete');
  await request.storage.bucket(request.bucket).objects.setVersioning(status);
  sendEmpty(request.res, 200);
}
