/** fetch with the client's error rules: no answer is `NetworkError`, a fired signal is `Aborted`. */
import { abortedError, LockboxError } from './errors.js';

export async function send(
  fetchImpl: typeof fetch,
  input: string | Request,
  init?: RequestInit,
): Promise<Response> {
  try {
    return await fetchImpl(input, init);
  } catch (error) {
    if (init?.signal?.aborted || (error instanceof Error && error.name === 'AbortError'))
      throw abortedError();
    throw new LockboxError(
      'NetworkError',
      `No answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
