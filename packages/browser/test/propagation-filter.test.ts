import { describe, expect, it } from 'vitest';
import { createPropagationFilter } from '../src/propagation-filter.ts';

const PAGE = 'https://shop.example.com';
const allows = (filter: (url: URL) => boolean, url: string) => filter(new URL(url));

describe('createPropagationFilter', () => {
  it('allows the page origin by default, and nothing else', () => {
    const filter = createPropagationFilter([], PAGE);
    expect(allows(filter, 'https://shop.example.com/orders')).toBe(true);
    expect(allows(filter, 'https://shop.example.com:443/x?y#z')).toBe(true);
    expect(allows(filter, 'http://shop.example.com/orders')).toBe(false); // scheme differs
    expect(allows(filter, 'https://shop.example.com:8443/orders')).toBe(false); // port differs
    expect(allows(filter, 'https://api.example.com/orders')).toBe(false);
    expect(allows(filter, 'https://shop.example.com.evil.test/')).toBe(false);
  });

  it('compares string targets as origins, never as URL prefixes', () => {
    const filter = createPropagationFilter(
      ['https://api.example.com/', 'http://127.0.0.1:3001'],
      PAGE,
    );
    expect(allows(filter, 'https://api.example.com/v1/cart')).toBe(true);
    expect(allows(filter, 'http://127.0.0.1:3001/orders')).toBe(true);
    expect(allows(filter, 'https://api.example.com.evil.test/v1/cart')).toBe(false);
    expect(allows(filter, 'http://127.0.0.1:3002/orders')).toBe(false);
  });

  it('tests RegExp targets against the full URL, also global ones, repeatedly', () => {
    const filter = createPropagationFilter(
      [/^https:\/\/[a-z]+\.internal\.test\/api\//g],
      undefined,
    );
    for (let i = 0; i < 3; i++) {
      expect(allows(filter, 'https://orders.internal.test/api/place')).toBe(true);
    }
    expect(allows(filter, 'https://orders.internal.test/static/app.js')).toBe(false);
  });

  it('has no page origin outside a page (or on an opaque origin)', () => {
    expect(allows(createPropagationFilter([], undefined), 'https://shop.example.com/')).toBe(false);
    expect(allows(createPropagationFilter([], 'null'), 'https://shop.example.com/')).toBe(false);
  });

  it.each([
    'api.example.com',
    'https://api.example.com/v1',
    'https://api.example.com/?q',
    'file:///tmp',
    '',
  ])('throws for %j, which is not an origin', (target) => {
    expect(() => createPropagationFilter([target], PAGE)).toThrow(/neither an origin/);
  });
});
