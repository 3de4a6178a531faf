import type { S3Client } from '@aws-sdk/client-s3';

type Command = Parameters<S3Client['send']>[0];
type SendOptions = { abortSignal?: AbortSignal } | undefined;

export interface S3CallWatcher {
  /**
   * Sees each request before it goes: may refuse it by throwing (it then reaches neither the server
   * nor onFailure), or return a signal that cancels it while in flight.
   */
  beforeSend(command: Command): AbortSignal | undefined;
  onSuccess(command: Command, output: unknown): void;
  onFailure(command: Command, error: unknown): void;
}

/**
 * The same client, with every `send` shown to `watcher`: lets a caller of a library that sends requests
 * for it (lib-storage's Upload) learn which request failed and what it created, and stop it early.
 */
export function watchedClient(s3: S3Client, watcher: S3CallWatcher): S3Client {
  const send = async (command: Command, options?: SendOptions) => {
    const abortSignal = watcher.beforeSend(command);
    try {
      const output = await (s3.send as (c: Command, o?: SendOptions) => Promise<unknown>)(
        command,
        abortSignal ? { ...options, abortSignal } : options,
      );
      watcher.onSuccess(command, output);
      return output;
    } catch (error) {
      watcher.onFailure(command, error);
      throw error;
    }
  };
  return new Proxy(s3, {
    get: (target, property) => (property === 'send' ? send : Reflect.get(target, property, target)),
  });
}
