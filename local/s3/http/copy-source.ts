import { notImplemented, S3Error } from '../errors';
import { checkedVersionId } from './version-id';

/** `/bucket/key` or `bucket/key`, URL-encoded, with an optional `?versionId=`, as x-amz-copy-source carries it. */
export function copySource(header: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = header.split('?');
  let versionId: string | undefined;
  if (query !== undefined) {
    const params = new URLSearchParams(query);
    if ([...params.keys()].some((name) => name !== 'versionId'))
      throw notImplemented('x-amz-copy-source query');
    versionId = checkedVersionId(params.get('versionId'));
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    decoded = '';
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}
