import { setTimeout as sleep } from 'node:timers/promises';
import { CardDeclinedError, IssuerResponseError } from './errors.ts';

export interface CardIssuerOptions {
  /**
   * Card numbers ending in one of these are refused, like the issuer test cards of real gateways.
   * @default ['0002']
   */
  declinedCardSuffixes?: readonly string[];
  /**
   * Simulated network round trip to the issuer, so spans and logs have a visible duration.
   * @default 20
   */
  latencyMs?: number;
}

/** A stand-in for the card network: approves or declines a charge after a short delay. */
export class CardIssuer {
  readonly #declinedCardSuffixes: readonly string[];
  readonly #latencyMs: number;

  constructor(options: CardIssuerOptions = {}) {
    this.#declinedCardSuffixes = options.declinedCardSuffixes ?? ['0002'];
    this.#latencyMs = options.latencyMs ?? 20;
  }

  /** Resolves when the charge is authorised; rejects with a `CardDeclinedError` otherwise. */
  async authorize(card: string, amount: number): Promise<void> {
    await sleep(this.#latencyMs);
    if (this.#declinedCardSuffixes.some((suffix) => card.endsWith(suffix))) {
      const issuerResponse = new IssuerResponseError('issuer response 05: do not honor', '05');
      throw new CardDeclinedError(
        `card ending ${card.slice(-4)} was declined for ${amount.toFixed(2)}`,
        'do_not_honor',
        { cause: issuerResponse },
      );
    }
  }
}
