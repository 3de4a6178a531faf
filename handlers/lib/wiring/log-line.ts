/**
 * Writes one of a handler's JSON log lines. With Lambda's JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON,
 * which the stack sets on every function), the runtime nests an object argument as the record's
 * `message` but a string as a string: handing it the parsed object lets metric filters and Logs
 * Insights read `$.message.outcome`. Elsewhere (Text format, local mode, tests) the line goes as it is.
 */
export function logLine(line: string): void {
  console.log(process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? JSON.parse(line) : line);
}
