/** Reads the members of a request body, refusing what AWS's model would refuse. */
import { CognitoError, validationError } from './errors';

export type Input = Readonly<Record<string, unknown>>;

/** The body as a JSON object, or AWS's SerializationException. */
export function parseInput(body: Buffer): Input {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new CognitoError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CognitoError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return value as Input;
}

/** AWS names members in messages with a lower-case first letter. */
function memberName(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

export function optionalString(input: Input, name: string, maxLength = 2048): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw validationError(memberName(name), `Member must have length less than or equal to ${maxLength}`);
  }
  return value;
}

export function requiredString(input: Input, name: string, maxLength = 2048): string {
  const value = optionalString(input, name, maxLength);
  if (value === undefined) throw validationError(memberName(name), 'Member must not be null', true);
  if (value.length === 0) {
    throw validationError(memberName(name), 'Member must have length greater than or equal to 1');
  }
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validationError(memberName(name), 'Member must be a boolean');
  return value;
}

export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(memberName(name), `Member must have value between ${min} and ${max}`);
  }
  return value;
}

/** A map of strings such as `AuthParameters` or `ChallengeResponses`; null values count as absent. */
export function stringMap(input: Input, name: string): Readonly<Record<string, string>> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationError(memberName(name), 'Member must be a map of strings');
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === null) continue;
    if (typeof entry !== 'string') throw validationError(memberName(name), 'Member must be a map of strings');
    map[key] = entry;
  }
  return map;
}

/** `UserAttributes`: a list of `{Name, Value}`. */
export function attributeList(input: Input, name: string): readonly { name: string; value: string }[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  const invalid = validationError(memberName(name), 'Member must be a list of {Name, Value}');
  if (!Array.isArray(value)) throw invalid;
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) throw invalid;
    const { Name, Value } = entry as Record<string, unknown>;
    if (typeof Name !== 'string' || (Value !== undefined && typeof Value !== 'string')) throw invalid;
    return { name: Name, value: Value ?? '' };
  });
}
