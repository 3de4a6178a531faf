import { malformedXml, notImplemented } from '../errors';
import { receiveText } from '../http/receive';
import type { S3Request } from '../http/request';
import { sendEmpty } from '../http/responses';
import { hasRoot, textOf } from '../http/xml';

const MAX_VERSIONING_BODY = 64 * 1024;

/** PutBucketVersioning: `<VersioningConfiguration><Status>Enabled|Suspended</Status>`, no MFA delete. */
export async function putBucketVersioning(request: S3Request): Promise<void> {
  const xml = await receiveText(request, MAX_VERSIONING_BODY);
  const status = hasRoot(xml, 'VersioningConfiguration') ? textOf(xml, 'Status') : undefined;
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (textOf(xml, 'MfaDelete') !== undefined) throw notImplemented('MfaDelete');
  await request.storage.bucket(request.bucket).objects.setVersioning(status);
  sendEmpty(request.res, 200);
}
