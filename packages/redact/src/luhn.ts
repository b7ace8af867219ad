/** Whether a string of ASCII digits passes the Luhn (mod 10) check used by payment cards. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether `digits` is shaped like a card number of the major networks: 13–19 digits, a first
 * digit 2–6 (Mastercard 2-series and 5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay/Maestro
 * 6), 13 digits only for Visa, and a valid Luhn check digit. The first-digit rule keeps epoch
 * timestamps in milliseconds or nanoseconds (which start with 1) from being taken for cards.
 */
export function isCardNumber(digits: string): boolean {
  const length = digits.length;
  if (length < 13 || length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  if (length === 13 && first !== 4) return false;
  return passesLuhn(digits);
}
