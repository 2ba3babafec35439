/** Project rules for the awkward cases, each with a safe default (spec section 5). */
import { parseDecimal } from './money.js';

export type RuleAction = 'accept' | 'manual';

export interface ProjectRules {
  /** Decimal percent; a shortfall within it counts as paid. */
  readonly underpaidTolerancePercent: string;
  /** Decimal percent; an excess within it counts as paid, not overpaid. */
  readonly overpaidTolerancePercent: string;
  readonly overpaidAction: RuleAction;
  readonly latePaymentAction: RuleAction;
  readonly expiredPartialAction: RuleAction;
}

export const DEFAULT_RULES: ProjectRules = {
  underpaidTolerancePercent: '0',
  overpaidTolerancePercent: '0',
  overpaidAction: 'accept',
  latePaymentAction: 'manual',
  expiredPartialAction: 'manual',
};

/** Returns the name of the first invalid rule, or null. */
export function invalidRule(rules: ProjectRules): string | null {
  for (const key of ['underpaidTolerancePercent', 'overpaidTolerancePercent'] as const) {
    try {
      const d = parseDecimal(rules[key], 2, 4);
      if (d.units > 100n * 10n ** BigInt(d.scale)) return key;
    } catch {
      return key;
    }
  }
  for (const key of ['overpaidAction', 'latePaymentAction', 'expiredPartialAction'] as const) {
    if (rules[key] !== 'accept' && rules[key] !== 'manual') return key;
  }
  return null;
}
