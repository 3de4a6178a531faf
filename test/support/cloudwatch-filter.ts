/**
 * The part of CloudWatch Logs' filter pattern syntax our metric filters use, so a test can run a
 * synthesized pattern against log events as CloudWatch would ("Filter pattern syntax for metric filters",
 * CloudWatch Logs User Guide): a JSON pattern `{ <selector> <op> <value> (&& | || …) }` where the selector
 * is `$.a.b`, the value a quoted string (`*` matches any run of characters) or a number, the operators
 * `=` `!=` (strings and numbers) and `<` `<=` `>` `>=` (numbers); `&&` binds before `||`. An event that is
 * not a JSON object matches no JSON pattern. Any other pattern throws, so a test never passes on a form
 * this evaluator does not know.
 */
export function filterMatches(pattern: string, event: string): boolean {
  const body = /^\{(.*)\}$/s.exec(pattern.trim());
  if (body === null) throw new Error(`Not a JSON filter pattern: ${pattern}`);
  const alternatives = (body[1] as string).split('||').map((part) => part.split('&&').map(parseCondition));
  let record: unknown;
  try {
    record = JSON.parse(event);
  } catch {
    return false;
  }
  if (typeof record !== 'object' || record === null) return false;
  return alternatives.some((conditions) => conditions.every((condition) => condition(record)));
}

type Condition = (record: unknown) => boolean;

function parseCondition(text: string): Condition {
  const match =
    /^\s*\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)\s*$/.exec(
      text,
    );
  if (match === null) throw new Error(`Unsupported filter condition: ${text}`);
  const [, selector, op, literal] = match as unknown as [string, string, string, string];
  const path = selector.slice(1).split('.');
  const read = (record: unknown): unknown =>
    path.reduce<unknown>(
      (value, field) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined,
      record,
    );
  if (literal.startsWith('"')) {
    if (op !== '=' && op !== '!=') throw new Error(`${op} needs a number: ${text}`);
    const wanted = wildcard(JSON.parse(literal) as string);
    return (record) => {
      const value = read(record);
      const equal = (typeof value === 'string' || typeof value === 'number') && wanted.test(String(value));
      return op === '=' ? equal : value !== undefined && !equal;
    };
  }
  const wanted = Number(literal);
  return (record) => {
    const value = read(record);
    if (typeof value !== 'number') return op === '!=' && value !== undefined;
    switch (op) {
      case '=':
        return value === wanted;
      case '!=':
        return value !== wanted;
      case '<':
        return value < wanted;
      case '<=':
        return value <= wanted;
      case '>':
        return value > wanted;
      default:
        return value >= wanted;
    }
  };
}

function wildcard(value: string): RegExp {
  const escaped = value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}
