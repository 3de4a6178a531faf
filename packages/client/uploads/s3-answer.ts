/** How an upload reads S3's answer to a presigned PUT: done, worth another try, re-sign, or refused. */
import type { PutAnswer } from './put-bytes.js';

export type Verdict = 'ok' | 'retry' | 'expired' | 'refused';

export function s3ErrorOf(answer: PutAnswer): { code: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1] ?? `HTTP ${answer.status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(answer.body)?.[1] ?? '';
  return { code, message };
}

export function verdictOf(answer: PutAnswer): Verdict {
  if (answer.status >= 200 && answer.status < 300) return 'ok';
  const { code, message } = s3ErrorOf(answer);
  // A URL past its expiry, or signed with Lambda role credentials that have since expired.
  if ((code === 'AccessDenied' && /expired/i.test(message)) || code === 'ExpiredToken') return 'expired';
  if (answer.status >= 500 || answer.status === 429 || code === 'RequestTimeout') return 'retry';
  return 'refused';
}
