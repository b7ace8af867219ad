import { scrypt, timingSafeEqual } from 'node:crypto';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
}

interface StoredUser extends User {
  /** scrypt(password, salt) with {@link SCRYPT_PARAMS}, base64. */
  readonly passwordHash: string;
  readonly salt: string;
}

export type PasswordCheck =
  | { readonly outcome: 'ok'; readonly user: User }
  | { readonly outcome: 'unknown_user' }
  | { readonly outcome: 'bad_password'; readonly user: User };

// scrypt's own defaults (N = 2^14), about 40 ms per check: slow enough to make guessing
// expensive, fast enough for a demo.
const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

// The demo accounts; their passwords are in examples/README.md, never in code. Hashes made
// once with `scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 })`.
const DEMO_USERS: readonly StoredUser[] = [
  {
    id: 'u-1001',
    name: 'alice',
    roles: ['customer'],
    salt: 'H3v1y1I/GORdtrsRO/I3ug==',
    passwordHash: '5syAVtvCL0MmyEZgiTpNxTliWdsgfOZ3LbLznYHyiU8=',
  },
  {
    id: 'u-1002',
    name: 'bob',
    roles: ['customer', 'admin'],
    salt: 'MAPHE7sHFOYIwrowvjm61A==',
    passwordHash: 'gCB2l0dD2qV5E+UXhTVmgCKmUliKKR91hy7vXvmYlls=',
  },
  {
    id: 'u-1003',
    name: 'carol',
    roles: ['customer'],
    salt: 'J+ZqfUt5HSSw7ueaDkh4NQ==',
    passwordHash: 'gOkS3im/UfBrLkbJrJYZPKAiNhRgiuLIlXD+LPcy4dY=',
  },
];

// Checked for unknown user names too, so that the answer takes as long as for a real
// account and response times do not tell which names exist.
const DECOY = {
  salt: 'J4+DrmTviII8YeAsG3PslA==',
  passwordHash: 'JioVOvwKAt7XGyQsZDrgwQQhFju+mCcKt4t1Mz2d3ZY=',
};

/** A fixed in-memory user store with scrypt-hashed passwords. */
export class UserStore {
  readonly #byName: ReadonlyMap<string, StoredUser>;

  constructor(users: readonly StoredUser[] = DEMO_USERS) {
    this.#byName = new Map(users.map((u) => [u.name, u]));
  }

  /** The account called `name`, without its password hash. */
  find(name: string): User | undefined {
    const stored = this.#byName.get(name);
    return stored && publicUser(stored);
  }

  /** Checks a password in constant time; unknown names cost the same as known ones. */
  async checkPassword(name: string, password: string): Promise<PasswordCheck> {
    const stored = this.#byName.get(name);
    const matches = await verify(password, stored ?? DECOY);
    if (stored === undefined) return { outcome: 'unknown_user' };
    return matches
      ? { outcome: 'ok', user: publicUser(stored) }
      : { outcome: 'bad_password', user: publicUser(stored) };
  }
}

function publicUser({ id, name, roles }: StoredUser): User {
  return { id, name, roles };
}

async function verify(
  password: string,
  { salt, passwordHash }: { salt: string; passwordHash: string },
): Promise<boolean> {
  const expected = Buffer.from(passwordHash, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, Buffer.from(salt, 'base64'), KEY_LENGTH, SCRYPT_PARAMS, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
  return timingSafeEqual(actual, expected);
}
