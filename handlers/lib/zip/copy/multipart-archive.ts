import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { ObjectKey } from '../../files/keys';
import { type ArchiveTarget, abortArchive, ownArchiveETag } from '../archive-settlement';
import { completeError, copyError, uploadError } from '../zip-failure';

/** A range of a source that S3 copies into a part. */
export interface CopiedRange {
  readonly partNumber: number;
  readonly s3Key: ObjectKey;
  /** The entry's name, for the message when the source is gone. */
  readonly name: string;
  /** The version read at planning: the copy fails (412) if the source changed since. */
  readonly etag?: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/**
 * The copy engine's archive: one multipart upload, its parts uploaded by the worker or copied by S3,
 * completed, settled when Complete's answer was lost, or aborted. Every request carries the job's signal
 * (`abortable`: cancelled, and refused, after the first failure).
 */
export class MultipartArchive {
  private uploadId?: string;
  private readonly partETags = new Map<number, string>();

  constructor(
    private readonly target: ArchiveTarget,
    private readonly abortable: () => { abortSignal: AbortSignal },
  ) {}

  async create(): Promise<void> {
    const { s3, bucket, targetKey } = this.target;
    const input = { Bucket: bucket, Key: targetKey, ContentType: 'application/zip' };
    const created = await s3
      .send(new CreateMultipartUploadCommand(input), this.abortable())
      .catch((error: unknown) => {
        throw uploadError(error);
      });
    this.uploadId = created.UploadId;
    if (!this.uploadId) throw uploadError(new Error('CreateMultipartUpload returned no upload id'));
  }

  async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    const { s3, bucket, targetKey } = this.target;
    const input = {
      Bucket: bucket,
      Key: targetKey,
      UploadId: this.uploadId,
      PartNumber: partNumber,
      Body: body,
    };
    const uploaded = await s3.send(new UploadPartCommand(input), this.abortable()).catch((error: unknown) => {
      throw uploadError(error);
    });
    if (!uploaded.ETag) throw uploadError(new Error('UploadPart returned no ETag'));
    this.partETags.set(partNumber, uploaded.ETag);
  }

  async copyPart(range: CopiedRange): Promise<void> {
    const { s3, bucket, targetKey } = this.target;
    const copied = await s3
      .send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: targetKey,
          UploadId: this.uploadId,
          PartNumber: range.partNumber,
          CopySource: `${bucket}/${range.s3Key.split('/').map(encodeURIComponent).join('/')}`,
          CopySourceRange: `bytes=${range.start}-${range.end - 1}`,
          CopySourceIfMatch: range.etag,
        }),
        this.abortable(),
      )
      .catch((error: unknown) => {
        throw copyError(range, error);
      });
    const etag = copied.CopyPartResult?.ETag;
    if (!etag) throw uploadError(new Error('UploadPartCopy returned no ETag'));
    this.partETags.set(range.partNumber, etag);
  }

  async complete(): Promise<string> {
    const { s3, bucket, targetKey } = this.target;
    const parts = [...this.partETags]
      .sort(([a], [b]) => a - b)
      .map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
    const input = {
      Bucket: bucket,
      Key: targetKey,
      UploadId: this.uploadId,
      MultipartUpload: { Parts: parts },
    };
    try {
      const done = await s3.send(new CompleteMultipartUploadCommand(input), this.abortable());
      return done.ETag ?? '';
    } catch (error) {
      throw completeError(error);
    }
  }

  /** After a failed Complete: this run's archive's ETag if it was made after all (archive-settlement.ts). */
  settle(): Promise<string | undefined> {
    return ownArchiveETag(this.target, this.partETags);
  }

  async abort(): Promise<void> {
    if (this.uploadId) await abortArchive(this.target, this.uploadId);
  }
}
