/**
 * An upload queue: a few files at a time, each with its progress and a cancel, and the multipart uploads
 * that a reload or a closed tab interrupted, which go on from the parts S3 holds when the same file is
 * picked again.
 */
import { isLockboxError } from '@lockbox/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useLockbox } from './context.js';
import { type PendingUpload, pendingUploads } from './pending-uploads.js';

/** A file the user picked or dropped, with its path relative to the folder it goes into. */
export interface PickedFile {
  readonly file: File;
  readonly path: string;
}

export interface UploadItem {
  readonly key: string;
  readonly size: number;
  /** Bytes S3 holds so far. */
  readonly loaded: number;
  readonly state: 'waiting' | 'uploading' | 'done' | 'failed' | 'cancelled';
  /** It carries on with an interrupted upload's parts. */
  readonly resumed: boolean;
  /** Why it failed (a LockboxError), when it did. */
  readonly error?: unknown;
}

export interface Uploads {
  /** This page's uploads, oldest first. */
  readonly uploads: readonly UploadItem[];
  /** Uploads of an earlier page that can be resumed: pass the same file to `upload()` again. */
  readonly interrupted: readonly PendingUpload[];
  /** Queues each file at `folder` + its path; a key already queued or under way is skipped. */
  upload(files: readonly PickedFile[], folder: string): void;
  cancel(key: string): void;
  /** Drops an interrupted upload from the list (S3's lifecycle rule removes its parts after a day). */
  forget(key: string): void;
  clearFinished(): void;
}

interface Job {
  readonly file: File;
  readonly key: string;
  readonly controller: AbortController;
}

/** At once: enough to keep the line busy, few enough that each file's progress moves. */
const CONCURRENT_FILES = 2;

export function useUpload(): Uploads {
  const { client, changed, auth } = useLockbox();
  const userId = auth.step === 'signed-in' ? auth.user.identityId : '';
  const pending = useMemo(() => pendingUploads(userId), [userId]);
  const [uploads, setUploads] = useState<readonly UploadItem[]>([]);
  const [, setForgotten] = useState(0);
  const waiting = useRef<Job[]>([]);
  const running = useRef(new Map<string, Job>());
  const latest = useRef({ client, changed, pending });
  latest.current = { client, changed, pending };
  const patch = (key: string, change: Partial<UploadItem>) =>
    setUploads((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const run = async ({ file, key, controller }: Job): Promise<void> => {
    const { client, changed, pending } = latest.current;
    const resume = pending.matching(key, file);
    patch(key, { state: 'uploading', resumed: resume !== undefined });
    try {
      await client.upload(file, {
        key,
        contentType: file.type || undefined,
        signal: controller.signal,
        ...(resume === undefined ? {} : { resume: { uploadId: resume.uploadId } }),
        onUploadId: (uploadId) =>
          pending.save({ key, uploadId, name: file.name, size: file.size, lastModified: file.lastModified }),
        onProgress: ({ loaded }) => patch(key, { loaded }),
      });
      pending.forget(key);
      patch(key, { state: 'done', loaded: file.size });
      changed();
    } catch (error) {
      // Cancelled: the client aborted the upload on S3. NotFound: S3 no longer knows it. Either way
      // nothing is left to resume; any other failure can be resumed by picking the file again.
      if (isLockboxError(error, 'Aborted') || isLockboxError(error, 'NotFound')) pending.forget(key);
      patch(key, isLockboxError(error, 'Aborted') ? { state: 'cancelled' } : { state: 'failed', error });
    }
  };

  const pump = () => {
    while (running.current.size < CONCURRENT_FILES && waiting.current.length > 0) {
      const job = waiting.current.shift() as Job;
      running.current.set(job.key, job);
      void run(job).finally(() => {
        running.current.delete(job.key);
        pump();
      });
    }
  };

  // Uploads still going when the user signs out (the component unmounts) are cancelled.
  useEffect(
    () => () => {
      for (const job of [...waiting.current, ...running.current.values()]) job.controller.abort();
    },
    [],
  );

  const busy = (key: string) => running.current.has(key) || waiting.current.some((job) => job.key === key);
  return {
    uploads,
    interrupted: pending.all().filter((upload) => !busy(upload.key)),
    upload: (files, folder) => {
      const fresh: UploadItem[] = [];
      for (const { file, path } of files) {
        const key = `${folder}${path}`;
        if (busy(key)) continue;
        waiting.current.push({ file, key, controller: new AbortController() });
        fresh.push({ key, size: file.size, loaded: 0, state: 'waiting', resumed: false });
      }
      setUploads((list) => [...list.filter((item) => !fresh.some((f) => f.key === item.key)), ...fresh]);
      pump();
    },
    cancel: (key) => {
      const index = waiting.current.findIndex((job) => job.key === key);
      if (index >= 0) {
        waiting.current.splice(index, 1);
        patch(key, { state: 'cancelled' });
      }
      running.current.get(key)?.controller.abort();
    },
    forget: (key) => {
      pending.forget(key);
      setForgotten((n) => n + 1);
    },
    clearFinished: () =>
      setUploads((list) => list.filter((item) => item.state === 'waiting' || item.state === 'uploading')),
  };
}
