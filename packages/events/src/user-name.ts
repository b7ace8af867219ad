// Login forms accept a name in many spellings that reach the same account (`alice`, `Alice`,
// ` ALICE`, full-width `ａｌｉｃｅ`, `al\u200Bice` with a zero-width space): each spelling must
// not get its own counter, whether or not the account exists (counting only known accounts
// would also tell an attacker which names exist).

/** Longer raw values are cut before folding so hostile input costs little. */
const MAX_RAW_LENGTH = 1024;
// Characters that render as nothing (zero-width spaces and joiners, soft hyphens, variation
// selectors, BOM): NFKC_Casefold removes them too.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The form a login name is counted under: compatibility-normalised (NFKC), invisible
 * characters removed, case-folded (upper then lower case, so `ß` and `SS` meet), trimmed.
 * `undefined` when nothing is left.
 */
export function normalizeUserName(raw: string): string | undefined {
  const s = raw.length > MAX_RAW_LENGTH ? raw.slice(0, MAX_RAW_LENGTH) : raw;
  const folded = s
    .normalize('NFKC')
    .replace(IGNORABLE, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .trim();
  return folded === '' ? undefined : folded;
}
