import { describe, expect, it } from 'vitest';
import { jsonBodyProblem as jsonProblem, mergeParams, paramsFromUrl, urlWithParams } from '../../src/shared/httpParams';

describe('params table ↔ URL', () => {
  it('reads the query as typed, variables and escapes included', () => {
    expect(paramsFromUrl('{{base}}/a?x=1&y=%20&flag&z={{v}}#top')).toEqual([
      { name: 'x', value: '1', enabled: true },
      { name: 'y', value: '%20', enabled: true },
      { name: 'flag', value: '', enabled: true },
      { name: 'z', value: '{{v}}', enabled: true },
    ]);
  });
  it('writes enabled rows back, keeping the fragment', () => {
    const url = urlWithParams('http://h/p?old=1#frag', [
      { name: 'a', value: '1', enabled: true },
      { name: 'off', value: '2', enabled: false },
      { name: 'b', value: '', enabled: true },
    ]);
    expect(url).toBe('http://h/p?a=1&b#frag');
    expect(urlWithParams('http://h/p?x=1', [])).toBe('http://h/p');
  });
  it('keeps disabled rows in place when the URL is edited', () => {
    const before = [
      { name: 'a', value: '1', enabled: true },
      { name: 'off', value: '2', enabled: false },
      { name: 'b', value: '3', enabled: true },
    ];
    expect(mergeParams('http://h/?a=9&b=3&c=4', before)).toEqual([
      { name: 'a', value: '9', enabled: true },
      { name: 'off', value: '2', enabled: false },
      { name: 'b', value: '3', enabled: true },
      { name: 'c', value: '4', enabled: true },
    ]);
  });
});

describe('JSON body validation', () => {
  it('accepts {{variables}} as values and names real problems', () => {
    expect(jsonProblem('{"id": {{id}}, "name": "{{name}}"}')).toBeNull();
    expect(jsonProblem('{"a": }')).toMatch(/JSON|Unexpected/);
    expect(jsonProblem('')).toBeNull();
  });
});
