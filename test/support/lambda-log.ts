import { format } from 'node:util';

/**
 * The log event Lambda's Node.js runtime writes for one `console.log(message)` call, in the function's
 * log format, as aws-lambda-nodejs-runtime-interface-client's formatter does (src/logging/formatter.ts):
 * Text is `<time>\t<request id>\tINFO\t<util.format(message)>`; JSON is one object with `timestamp`,
 * `level`, `requestId` and the message as it was given (an object stays an object, a string a string).
 */
export function lambdaLogEvent(logFormat: string, requestId: string, message: unknown): string {
  const timestamp = '2026-01-01T00:00:00.000Z';
  if (logFormat === 'Text') return [timestamp, requestId, 'INFO', format(message)].join('\t');
  if (logFormat === 'JSON') return JSON.stringify({ timestamp, level: 'INFO', requestId, message });
  throw new Error(`Unknown log format ${logFormat}`);
}
