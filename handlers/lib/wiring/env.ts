import type { IntegerSetting, ListSetting, TextSetting } from '../../../contract/settings';

/**
 * Fail-fast readers of the settings table (contract/settings.ts): a missing or out-of-range value fails
 * the function's init, not a user's request.
 */

export function readText(setting: TextSetting): string {
  const value = process.env[setting.variable];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${setting.variable}`);
  }
  return value;
}

/** A setting only some environments set: undefined when unset or empty. */
export function readOptionalText(setting: TextSetting): string | undefined {
  const value = process.env[setting.variable];
  return value === undefined || value === '' ? undefined : value;
}

/** A comma-separated list, trimmed, without empty items. */
export function readList(setting: ListSetting): string[] {
  return readText({ kind: 'text', variable: setting.variable, readBy: setting.readBy })
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The setting's integer, or its default when unset; outside min..max fails. */
export function readInteger(setting: IntegerSetting): number {
  const { variable, min, max } = setting;
  const set = process.env[variable];
  const raw = set === undefined || set === '' ? String(setting.default) : set;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`Environment variable ${variable} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}
