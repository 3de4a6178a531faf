import type { S3Event } from 'aws-lambda';
import type { ObjectCreatedEvent as CreatedObject, ObjectRemovedEvent as RemovedObject } from '../s3';

/** Whether an S3 notification with this filter fires for the key (prefix and suffix, as S3 matches them). */
export function matchesFilter(
  key: string,
  filter: { readonly prefix: string; readonly suffix: string },
): boolean {
  return key.startsWith(filter.prefix) && key.endsWith(filter.suffix);
}

/** The event S3 sends a Lambda for one created object; the key URL-encoded with "+" for a space, as S3 does. */
export function objectCreatedEvent(object: CreatedObject, region: string, now = new Date()): S3Event {
  return objectEvent('ObjectCreated:Put', object, region, now);
}

/**
 * The event S3 sends a Lambda for one deleted object or version, by a request or by the bucket's lifecycle
 * rules (size 0 and no ETag: S3 names neither).
 */
export function objectRemovedEvent(object: RemovedObject, region: string, now = new Date()): S3Event {
  const source = object.lifecycle ? 'LifecycleExpiration' : 'ObjectRemoved';
  const name = `${source}:${object.deleteMarker ? 'DeleteMarkerCreated' : 'Delete'}`;
  return objectEvent(name, { ...object, size: 0, etag: '' }, region, now);
}

function objectEvent(eventName: string, object: CreatedObject, region: string, now: Date): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: now.toISOString(),
        eventName,
        userIdentity: { principalId: 'AWS:LOCAL' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'LOCAL' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeURIComponent(object.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size: object.size,
            eTag: object.etag.replace(/"/g, ''),
            ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
            sequencer: object.sequencer ?? now.getTime().toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}
