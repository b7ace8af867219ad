import { enumeratesOwnKeysOnly, ownKeysForIn } from '@threadline/core';
import { describe, expect, it } from 'vitest';

describe('enumeratesOwnKeysOnly', () => {
  it('is true for plain objects, whose for…in lists exactly Object.keys', () => {
    const entry = { b: 1, a: 2, 10: 'x', 2: 'y' };
    expect(enumeratesOwnKeysOnly(entry)).toBe(true);
    const listed: string[] = [];
    for (const key in entry) listed.push(key);
    expect(listed).toEqual(Object.keys(entry));
  });

  it('is false where for…in would also list inherited keys, or might', () => {
    class Meta {
      own = 1;
    }
    (Meta.prototype as unknown as Record<string, unknown>).inherited = 2;
    expect(enumeratesOwnKeysOnly(new Meta())).toBe(false);
    expect(enumeratesOwnKeysOnly(Object.create(null) as object)).toBe(false);
    expect(enumeratesOwnKeysOnly(Object.create({ parent: 1 }) as object)).toBe(false);
    expect(enumeratesOwnKeysOnly([1, 2])).toBe(false);
  });

  it('turns false while Object.prototype has an enumerable property, true again after', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = true;
    try {
      expect(enumeratesOwnKeysOnly({ a: 1 })).toBe(false);
    } finally {
      delete proto.polluted;
    }
    expect(enumeratesOwnKeysOnly({ a: 1 })).toBe(true);
  });

  it('ownKeysForIn gives for…in exactly the own keys, in order, under any prototype', () => {
    const plain = { b: 1, 2: 'y' };
    expect(ownKeysForIn(plain)).toBe(plain);
    const inheriting = Object.assign(Object.create({ inherited: 1 }) as object, {
      z: 1,
      10: 2,
      a: 3,
    });
    const listed: string[] = [];
    for (const key in ownKeysForIn(inheriting)) listed.push(key);
    expect(listed).toEqual(Object.keys(inheriting));
  });
});
