import type { LogLine } from '../../../contract/log-line';

/** Where a function's log lines go: logLine in Lambda, a test's own sink elsewhere. */
export type LogSink = (line: LogLine) => void;

/**
 * Writes one of a function's JSON log lines, each of a shape contract/log-line.ts declares. With Lambda's
 * JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON, which the stack sets on every function), the runtime nests
 * an object argument as the record's `message` but a string as a string: handing it the object lets
 * metric filters and Logs Insights read `$.message.outcome`. Elsewhere (Text format, local mode, tests)
 * the line goes as a JSON string.
 */
export function logLine(line: LogLine): void {
  console.log(process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? line : JSON.stringify(line));
}
