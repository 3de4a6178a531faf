import type { LogSink } from '../../handlers/lib/wiring/log-line';

/** A log sink that keeps each line as logLine writes it outside Lambda's JSON format: one JSON string. */
export function logTo(lines: string[]): LogSink {
  return (line) => {
    lines.push(JSON.stringify(line));
  };
}
