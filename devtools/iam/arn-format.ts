/**
 * Whether a policy's resource (an ARN, `*` and `?` wildcards) can name a resource of the type whose ARN
 * format the IAM reference gives, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`: some ARN must
 * match both. A `${Variable}` stands for one or more characters other than `:` and `/`, except in the
 * variables that hold paths (object keys, log group names, API resource paths), which may hold anything
 * but, for the log group, a `:`.
 */
export function arnFitsFormat(resource: string, format: string): boolean {
  return intersects(tokens(resource, 'policy'), tokens(format, 'format'));
}

/** A literal character, or one character of a class (repeated zero or more times when `many`). */
type Token = { readonly char: string } | { readonly any: (char: string) => boolean; readonly many?: true };

/** Variables whose values may hold `/` (and `:`, unless listed in NO_COLON). */
const PATHS = /^(ObjectName|ApiSpecificResourcePath|LogGroupName|LogStreamName|RoleNameWithPath|Key)$/;
const NO_COLON = /^(LogGroupName)$/;

function tokens(text: string, kind: 'policy' | 'format'): Token[] {
  const result: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const variable = kind === 'format' ? /^\$\{([A-Za-z0-9]+)\}/.exec(text.slice(i)) : null;
    if (variable !== null) {
      const name = variable[1] as string;
      const allowed = PATHS.test(name)
        ? (char: string) => !(NO_COLON.test(name) && char === ':')
        : (char: string) => char !== ':' && char !== '/';
      // One character, then any number: a variable is never empty.
      result.push({ any: allowed }, { any: allowed, many: true });
      i += variable[0].length;
    } else if (kind === 'policy' && text[i] === '*') {
      result.push({ any: () => true, many: true });
      i += 1;
    } else if (kind === 'policy' && text[i] === '?') {
      result.push({ any: () => true });
      i += 1;
    } else {
      result.push({ char: text[i] as string });
      i += 1;
    }
  }
  return result;
}

const many = (token: Token | undefined) => token !== undefined && 'many' in token && token.many === true;

/** Whether one string matches both token lists (each `many` token repeats zero or more times). */
function intersects(a: Token[], b: Token[]): boolean {
  const seen = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = seen.get(key);
    if (known !== undefined) return known;
    seen.set(key, false);
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (many(a[i]) && walk(i + 1, j)) result = true;
    else if (many(b[j]) && walk(i, j + 1)) result = true;
    else if (i === a.length || j === b.length) result = false;
    else {
      const x = a[i] as Token;
      const y = b[j] as Token;
      // Both consume one common character: the advance keeps a `many` token in place.
      const next = (k: number, token: Token) => (many(token) ? k : k + 1);
      result = sharesCharacter(x, y) && walk(next(i, x), next(j, y));
    }
    seen.set(key, result);
    return result;
  };
  return walk(0, 0);
}

function sharesCharacter(x: Token, y: Token): boolean {
  if ('char' in x && 'char' in y) return x.char === y.char;
  if ('char' in x) return 'any' in y && y.any(x.char);
  if ('char' in y) return x.any(y.char);
  // Two classes: `a` stands for a character both allow (every class here allows letters).
  return x.any('a') && y.any('a');
}
