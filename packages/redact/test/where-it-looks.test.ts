// Issue 15, item 4 ("where it looks"). Each describe block names the finding it covers; every
// secret below passed through `@threadline/redact` unchanged before this change (object and
// Map keys, Symbol keys, URLSearchParams/FormData, double encoding, SQL, command lines, XML,
// URL path segments, look-alike names in text).
import { inspect } from 'node:util';
import { createRedactor } from '@threadline/redact';
import { describe, expect, it } from 'vitest';
import { ALNUM, createSeededRandom } from './fixtures/seeded-random.ts';

const R = '[REDACTED]';
const redactor = createRedactor();

/** Distinct secret-looking values (letters and digits, 14–30 characters). */
function secrets(seed: number, count = 6): string[] {
  const random = createSeededRandom(seed);
  return Array.from(
    { length: count },
    () => random.string(ALNUM, random.int(12, 28)) + String(random.int(10, 99)),
  );
}

function expectGone(output: unknown, secret: string): void {
  const text = typeof output === 'string' ? output : inspect(output, { depth: 10 });
  expect(text, text).not.toContain(secret);
}

describe('a secret used as an object or Map key (finding: keys matching a value pattern)', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const bearer = 'Bearer abcdef0123456789abcdef';

  it('replaces the key and keeps the value readable', () => {
    const out = redactor.redactValue({ [jwt]: 'valid', user: 'bob' }) as Record<string, unknown>;
    expect(out).toEqual({ [R]: 'valid', user: 'bob' });
    expectGone(out, 'c2lnbmF0dXJl');
  });

  it('keeps both entries when two secret keys redact to the same text', () => {
    const other = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NTYifQ.b3RoZXItc2lnbmF0dXJl';
    const out = redactor.redactValue({ [jwt]: 1, [other]: 2 }) as Record<string, unknown>;
    expect(Object.values(out).sort()).toEqual([1, 2]);
    expectGone(out, 'c2lnbmF0dXJl');
    expectGone(out, 'b3RoZXItc2ln');
  });

  it('replaces secret Map keys, nested too', () => {
    const map = new Map<unknown, unknown>([
      [jwt, 'session'],
      ['plain', 1],
      [bearer, { ok: true }],
    ]);
    const out = redactor.redactValue({ sessions: map }) as { sessions: Map<unknown, unknown> };
    expect(out.sessions).toBeInstanceOf(Map);
    expect([...out.sessions.values()]).toEqual(['session', 1, { ok: true }]);
    expect(out.sessions.get('plain')).toBe(1);
    expectGone(out, 'c2lnbmF0dXJl');
    expectGone(out, 'abcdef0123456789');
  });

  it('leaves ordinary keys (and the object) as they were', () => {
    const input = { 'user.id': 1, 'http.route': '/orders/:id', orderId: 'ord_1234567890123' };
    expect(redactor.redactValue(input)).toBe(input);
    const map = new Map([['GET /orders', 3]]);
    expect(redactor.redactValue(map)).toBe(map);
  });
});

describe('Symbol keys (finding: a Symbol("password") key)', () => {
  it('decides a symbol key by its description', () => {
    for (const secret of secrets(1)) {
      const password = Symbol('password');
      const apiKey = Symbol('apiKey');
      const message = Symbol.for('message');
      const input = { [password]: secret, [apiKey]: secret, [message]: 'order placed', a: 1 };
      const out = redactor.redactValue(input) as Record<symbol, unknown>;
      expect(out[password]).toBe(R);
      expect(out[apiKey]).toBe(R);
      expect(out[message]).toBe('order placed');
      expectGone(out, secret);
    }
  });
});

describe('URLSearchParams, Headers, FormData (finding: not looked into)', () => {
  it('redacts the values of sensitive parameters and keeps the shape', () => {
    for (const secret of secrets(2)) {
      const params = new URLSearchParams({ q: 'red shoes', password: secret, page: '2' });
      params.append('api_key', secret);
      params.append('note', `retry with token=${secret}`);
      const out = redactor.redactValue({ params }) as { params: URLSearchParams };
      expect(out.params).toBeInstanceOf(URLSearchParams);
      expect([...out.params.keys()]).toEqual(['q', 'password', 'page', 'api_key', 'note']);
      expect(out.params.get('password')).toBe(R);
      expect(out.params.get('q')).toBe('red shoes');
      expect(out.params.get('note')).toBe(`retry with token=${R}`);
      expectGone(out.params.toString(), secret);
      expectGone(out, secret);
      expect(params.get('password')).toBe(secret); // the input is not modified
    }
    const clean = new URLSearchParams({ q: 'shoes', page: '2' });
    expect(redactor.redactValue(clean)).toBe(clean);
  });

  it('redacts fetch Headers', () => {
    for (const secret of secrets(3)) {
      const headers = new Headers({ authorization: `Bearer ${secret}`, 'x-api-key': secret });
      headers.set('accept', 'application/json');
      const out = redactor.redactValue({ headers });
      expectGone(out, secret);
      expect(inspect(out)).toContain('application/json');
    }
  });

  it('redacts FormData string fields and keeps files', () => {
    for (const secret of secrets(4)) {
      const form = new FormData();
      form.append('username', 'bob');
      form.append('password', secret);
      const file = new Blob(['avatar bytes']);
      form.append('avatar', file);
      const out = redactor.redactValue(form) as FormData;
      expect(out).toBeInstanceOf(FormData);
      expect(out.get('password')).toBe(R);
      expect(out.get('username')).toBe('bob');
      expect(out.get('avatar')).toBeInstanceOf(Blob);
      expect(form.get('password')).toBe(secret);
    }
  });
});

describe('text encoded more than once (finding: password%253D…)', () => {
  function encodeTimes(text: string, times: number): string {
    let out = text;
    for (let i = 0; i < times; i++) out = encodeURIComponent(out);
    return out;
  }

  it('finds secrets encoded one to eight times', () => {
    for (const secret of secrets(5, 3)) {
      for (let times = 1; times <= 8; times++) {
        for (const inner of [`password=${secret}`, `/cb?access_token=${secret}&lang=en`]) {
          const url = `GET /login?next=${encodeTimes(inner, times)}&x=1`;
          const out = redactor.redactString(url);
          expect(out, url).toContain(R);
          expect(out, url).not.toContain(secret);
        }
      }
    }
  });

  it('leaves encoded text without secrets exactly as it was', () => {
    for (const text of [
      'GET /search?q=red%2520shoes%2526size%253D42',
      '100%2525 sure',
      'path=%252Fhome%252Fbob',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });

  it('costs little on hostile input (long runs of %25)', () => {
    const hostile = `x=${'%25'.repeat(50_000)}3Dpassword%253D${'a'.repeat(1000)}`;
    const started = performance.now();
    const out = redactor.redactString(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out).not.toContain('a'.repeat(1000));
  });
});

describe('SQL password clauses (finding: ALTER USER … PASSWORD, IDENTIFIED BY)', () => {
  it('redacts the password literal in every form', () => {
    for (const secret of secrets(6)) {
      const statements = [
        `ALTER USER app_1 PASSWORD '${secret}'`,
        `alter user app WITH PASSWORD '${secret}' VALID UNTIL 'infinity'`,
        `CREATE ROLE reporter LOGIN ENCRYPTED PASSWORD '${secret}';`,
        `CREATE USER 'app'@'%' IDENTIFIED BY '${secret}';`,
        // Unquoted (Oracle): found when the line has a quote, `/`, `<` or `--` for the pre-scan.
        `CREATE USER "app" IDENTIFIED BY ${secret} DEFAULT TABLESPACE users`,
        `ALTER USER 'app'@'localhost' IDENTIFIED WITH mysql_native_password BY '${secret}'`,
        `SET PASSWORD = '${secret}'`,
        `SET PASSWORD FOR 'bob'@'%' = PASSWORD('${secret}')`,
        `GRANT ALL ON db.* TO 'u'@'h' IDENTIFIED BY "${secret}"`,
      ];
      for (const sql of statements) {
        const out = redactor.redactString(sql);
        expect(out, sql).not.toContain(secret);
        expect(out, sql).toContain(R);
      }
    }
    expect(redactor.redactString(`ALTER USER app_1 PASSWORD 'x9Kd83jd'`)).toBe(
      `ALTER USER app_1 PASSWORD '${R}'`,
    );
  });

  it('leaves SQL and prose that only mention passwords', () => {
    for (const text of [
      'password reset requested for bob',
      'SELECT password_hash, email FROM users WHERE id = $1',
      '["password","email"]',
      'ALTER USER app PASSWORD EXPIRE',
      'changed the password policy',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });
});

describe('command lines (finding: -p<password>, --password …)', () => {
  it('redacts --password value, --api-key "value" and mysql-style -pSECRET', () => {
    for (const secret of secrets(7)) {
      for (const line of [
        `mysql -u root -p${secret} orders`,
        `mysqldump --single-transaction -u app -p'${secret}' shop`,
        `mariadb -h db -p${secret}`,
        `sshpass -p${secret} ssh deploy@host`,
        `pg_dump --password ${secret} shop`,
        `deploy --api-key "${secret}" --region eu`,
        `cli -token ${secret} --verbose`,
        `tool --password=${secret}`,
      ]) {
        const out = redactor.redactString(line);
        expect(out, line).not.toContain(secret);
        expect(out, line).toContain(R);
      }
    }
  });

  it('leaves ports and prose alone (the rule: glued -p only after a mysql/mariadb/sshpass command)', () => {
    for (const text of [
      'ssh -p2222 deploy@host',
      'docker run -p8080:80 nginx',
      'mysql -p orders',
      'use --password to set it',
      'kubectl port-forward -p 8080',
      'npm run build -- --production',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });
});

describe('XML elements (finding: <password>…</password>)', () => {
  it('redacts the content of elements with a sensitive name', () => {
    for (const secret of secrets(8)) {
      for (const xml of [
        `<password>${secret}</password>`,
        `<user><name>bob</name><Password>${secret}</Password></user>`,
        `<soap:Body><ns:ApiKey id="1">${secret}</ns:ApiKey></soap:Body>`,
        `<config><client_secret><![CDATA[${secret}]]></client_secret></config>`,
        `<token>\n  ${secret}\n</token>`,
      ]) {
        const out = redactor.redactString(xml);
        expect(out, xml).not.toContain(secret);
        expect(out, xml).toContain(R);
      }
    }
    expect(redactor.redactString('<user><name>bob</name><password>h4x0r99</password></user>')).toBe(
      `<user><name>bob</name><password>${R}</password></user>`,
    );
  });

  it('leaves other elements alone', () => {
    for (const text of [
      '<name>bob</name><region>eu</region>',
      '<passwordPolicy>strict</passwordPolicy>',
      '<tokenCount>42</tokenCount>',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });
});

describe('YAML (finding: password: …, quoted values)', () => {
  it('redacts plain and quoted values under sensitive keys', () => {
    for (const secret of secrets(9)) {
      const yaml = [
        'database:',
        '  host: db.internal',
        `  password: ${secret}`,
        `  api_key: "${secret}"`,
        `  clientSecret: '${secret}'`,
        '  password_min_length: 12',
      ].join('\n');
      const out = redactor.redactString(yaml);
      expect(out).not.toContain(secret);
      expect(out).toContain('host: db.internal');
      expect(out).toContain('password_min_length: 12');
      expect(out.match(/\[REDACTED\]/g)).toHaveLength(3);
    }
  });
});

describe('YAML the one-line rule cannot see (finding: YAML password: …)', () => {
  it('redacts block scalars, next-line values and values behind anchors or tags', () => {
    for (const secret of secrets(12)) {
      for (const yaml of [
        `database:\n  password: |\n    ${secret}\n    second-line\n  host: db`,
        `password: >-\n  ${secret}\nuser: bob`,
        `auth:\n  client_secret:\n    ${secret}\n  region: eu`,
        `password: &pw ${secret}`,
        `api_key: !!str ${secret} # from vault`,
        `- token: !secret ${secret}`,
      ]) {
        const out = redactor.redactString(yaml);
        expect(out, yaml).not.toContain(secret);
        expect(out, yaml).toContain(R);
      }
    }
    expect(redactor.redactString('db:\n  password: |\n    s3cr3t-Line\n  host: db')).toBe(
      `db:\n  password: ${R}\n    ${R}\n  host: db`,
    );
  });

  it('leaves other blocks, error names with stacks and prose alone', () => {
    for (const text of [
      'server:\n  port: 8080\n  description: |\n    the main API\n',
      'TokenError:\n    at verify (auth.js:10:5)',
      'anchors: &defaults\n  retries: 3',
      'tags: !!set\n  ? a\n',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });
});

describe('URL path segments after a sensitive word (finding: /reset-password/<token>)', () => {
  it('redacts the segment after a sensitive word', () => {
    for (const secret of secrets(10)) {
      for (const path of [
        `GET /reset-password/${secret} 200 12ms`,
        `POST /api/keys/${secret}/rotate 204`,
        `DELETE /v1/api-keys/${secret}`,
        `GET /tokens/${secret}`,
        `GET https://app.example.com/password-reset/${secret}?lang=en`,
        `GET /auth/invite/${secret}`,
        `GET %2Freset-password%2F${secret}`,
      ]) {
        const out = redactor.redactString(path);
        expect(out, path).not.toContain(secret);
        expect(out, path).toContain(R);
      }
    }
    expect(redactor.redactString('POST /api/keys/bnklQKiIymtGXkylfMX2zU0a/rotate 204')).toBe(
      `POST /api/keys/${R}/rotate 204`,
    );
  });

  it('leaves ordinary paths undamaged', () => {
    for (const text of [
      'GET /orders/123 200',
      'GET /users/42/profile',
      'POST /api/keys/42/rotate',
      'GET /tokens/new',
      'GET /password-reset/confirm',
      'GET /static/js/app.3f2a1b.js',
      'GET /orders/ord_12345678/items',
    ])
      expect(redactor.redactString(text)).toBe(text);
  });
});

describe('names written with look-alike letters inside text (finding: Cyrillic/zero-width keys)', () => {
  it('finds name=value pairs whose name is disguised', () => {
    for (const secret of secrets(11)) {
      for (const text of [
        `t\u03bfken=${secret}`, // Greek omicron
        `client_s\u0435cret: ${secret}`, // Cyrillic ie
        `{"pass\u200bword":"${secret}","user":"bob"}`, // zero-width space
        `\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44=${secret}`, // fullwidth
      ]) {
        const out = redactor.redactString(text);
        expect(out, text).not.toContain(secret);
      }
    }
  });
});

describe('hostile input to the new syntaxes and key rules stays linear', () => {
  // Each fragment repeated to ~1 MB: every start of a syntax scans a bounded distance, so the
  // whole string costs about what one pass over it does (a quadratic scan would take minutes).
  const fragments = [
    "PASSWORD '",
    'PASSWORD FOR x',
    'IDENTIFIED WITH ',
    "--password '",
    'mysql -p"',
    '<a><![CDATA[',
    '<password',
    '/token/',
    '%25',
    'x-',
  ];
  for (const fragment of fragments) {
    it(`~1 MB of ${JSON.stringify(fragment)}`, () => {
      const hostile = fragment.repeat(Math.ceil(1_000_000 / fragment.length));
      const started = performance.now();
      const out = redactor.redactString(hostile);
      expect(typeof out).toBe('string');
      expect(performance.now() - started).toBeLessThan(3000);
    });
  }

  it('classifies a ~1 MB key of repeated benign secret words in linear time', () => {
    for (const word of ['token_count_', 'secretary_', 'maxTokens', 'apiKeyId_']) {
      const key = word.repeat(Math.ceil(1_000_000 / word.length));
      const started = performance.now();
      redactor.redactValue({ [key]: 'value' });
      expect(performance.now() - started, word).toBeLessThan(3000);
    }
  });
});
