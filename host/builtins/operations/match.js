// @ts-check
/** In-memory Directus filter evaluation (used by the `condition` operation). */

function get(obj, key) {
  return obj === null || obj === undefined ? undefined : obj[key];
}

function compare(op, value, operand) {
  switch (op) {
    case '_eq': return value === operand || (value !== null && operand !== null && value !== undefined && String(value) === String(operand) && typeof value !== 'object');
    case '_neq': return !compare('_eq', value, operand);
    case '_lt': return value < operand;
    case '_lte': return value <= operand;
    case '_gt': return value > operand;
    case '_gte': return value >= operand;
    case '_in': return Array.isArray(operand) && operand.some((o) => compare('_eq', value, o));
    case '_nin': return !compare('_in', value, operand);
    case '_null': return operand === false ? value !== null && value !== undefined : value === null || value === undefined;
    case '_nnull': return !compare('_null', value, operand);
    case '_empty': return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    case '_nempty': return !compare('_empty', value, operand);
    case '_contains': return typeof value === 'string' ? value.includes(String(operand)) : Array.isArray(value) && value.includes(operand);
    case '_ncontains': return !compare('_contains', value, operand);
    case '_icontains': return typeof value === 'string' && value.toLowerCase().includes(String(operand).toLowerCase());
    case '_starts_with': return typeof value === 'string' && value.startsWith(String(operand));
    case '_ends_with': return typeof value === 'string' && value.endsWith(String(operand));
    case '_between': return Array.isArray(operand) && value >= operand[0] && value <= operand[1];
    case '_nbetween': return !compare('_between', value, operand);
    case '_regex': return typeof value === 'string' && new RegExp(String(operand)).test(value);
    default: throw Object.assign(new Error(`Unknown filter operator "${op}"`), { code: 'INVALID_QUERY', status: 400 });
  }
}

/** Returns the list of failed rules (empty when `data` matches `filter`). */
export function evaluate(filter, data, path = []) {
  const failures = [];
  for (const [key, rule] of Object.entries(filter ?? {})) {
    if (key === '_and') {
      for (const sub of rule) failures.push(...evaluate(sub, data, path));
    } else if (key === '_or') {
      const results = rule.map((sub) => evaluate(sub, data, path));
      if (!results.some((r) => r.length === 0)) failures.push(...results.flat());
    } else if (key.startsWith('_')) {
      if (!compare(key, data, rule)) failures.push({ path: path.join('.'), operator: key, expected: rule, actual: data });
    } else {
      failures.push(...evaluate(rule, get(data, key), [...path, key]));
    }
  }
  return failures;
}
