// copyRecord gives what structuredClone gives for the records the stores hold, and shares nothing.
import assert from 'node:assert/strict';
import { copyRecord } from './copy.ts';

describe('copyRecord', () => {
  const record = () => ({
    id: 'a', n: 1, big: 2n, yes: true, none: null, missing: undefined,
    at: new Date(1_700_000_000_000),
    list: [1, 'two', { three: [3] }, [new Date(5)]],
    nested: { deep: { deeper: { key: new Uint8Array([1, 2, 3]) } } },
    map: new Map([['k', { v: 1 }]]),
  });

  it('equals structuredClone of the same value, Dates and typed arrays included', () => {
    assert.deepStrictEqual(copyRecord(record()), structuredClone(record()));
  });

  it('shares no object with the original: changing the copy leaves the original as it was', () => {
    const original = record();
    const copied = copyRecord(original);
    copied.list.push(4);
    (copied.list[2] as { three: number[] }).three.push(9);
    copied.at.setTime(0);
    copied.nested.deep.deeper.key[0] = 99;
    copied.map.get('k')!.v = 2;
    assert.deepStrictEqual(original, record());
  });

  it('keeps an own "__proto__" key as data, without changing the copy\'s prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"isAdmin": true}, "a": 1}') as Record<string, unknown>;
    const copied = copyRecord(hostile);
    assert.equal(Object.getPrototypeOf(copied), Object.prototype);
    assert.equal((copied as { isAdmin?: boolean }).isAdmin, undefined);
    assert.deepStrictEqual(Object.keys(copied), ['__proto__', 'a']);
    assert.deepStrictEqual(copied, structuredClone(hostile));
  });
});
