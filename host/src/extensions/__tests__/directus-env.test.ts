import { describe, expect, it } from 'vitest';
import { castEnvValue, directusEnv, flowsEnv } from '../directus-env.js';

describe("extensions' env, cast as Directus casts it", () => {
  it('casts booleans, numbers, lists and JSON, and takes type prefixes', () => {
    expect(castEnvValue('A', 'true')).toBe(true);
    expect(castEnvValue('A', 'false')).toBe(false);
    expect(castEnvValue('A', '42')).toBe(42);
    expect(castEnvValue('A', '042')).toBe('042');
    expect(castEnvValue('A', '1e3')).toBe('1e3');
    expect(castEnvValue('A', 'a, b,3')).toEqual(['a', 'b', 3]);
    expect(castEnvValue('A', '[1,2]')).toEqual([1, 2]);
    expect(castEnvValue('A', '{"a":1}')).toEqual({ a: 1 });
    expect(castEnvValue('A', '{not json, really}')).toEqual(['{not json', 'really}']);
    expect(castEnvValue('A', 'string:true')).toBe('true');
    expect(castEnvValue('A', 'number:7')).toBe(7);
    expect(castEnvValue('A', 'array:x,y')).toEqual(['x', 'y']);
    expect(castEnvValue('A', 'regex:^a+$')).toEqual(/^a+$/);
    expect(castEnvValue('A', 'json:{"b":2}')).toEqual({ b: 2 });
  });

  it('leaves secrets, keys and addresses as text', () => {
    expect(castEnvValue('DB_PASSWORD', '123456')).toBe('123456');
    expect(castEnvValue('SECRET', 'true')).toBe('true');
    expect(castEnvValue('MAPBOX_KEY', 'a,b')).toBe('a,b');
    expect(castEnvValue('PUBLIC_URL', '/')).toBe('/');
  });

  it("lays the variables over Directus's defaults, frozen; flows see what the allow list names", () => {
    const env = directusEnv(
      { PORT: '3000', FLOWS_ENV_ALLOW_LIST: 'GREETING,MISSING', GREETING: 'hi', OTHER: 'x' },
      '/srv',
    );
    expect(env.PORT).toBe(3000);
    expect(env.PUBLIC_URL).toBe('/');
    expect(env.CONFIG_PATH).toBe('/srv/.env');
    expect(Object.isFrozen(env)).toBe(true);
    expect(flowsEnv(env)).toEqual({ GREETING: 'hi' });
    expect(flowsEnv(directusEnv({ FLOWS_ENV_ALLOW_LIST: 'GREETING', GREETING: 'hi' }))).toEqual({ GREETING: 'hi' });
    expect(flowsEnv(directusEnv({}))).toEqual({});
  });
});
