import { describe, expect, it } from 'vitest';
import { HOSTED_PAGE_CARDS } from './hosted/pages';
import { lookupCard } from './payments/cards';

describe('hosted pay page', () => {
  it('lists only real test cards, each described by what the sandbox does with it', () => {
    const says = (outcome: string) => {
      if (/3-D Secure/.test(outcome)) return 'require_3ds';
      if (/^Declined/.test(outcome)) return 'decline';
      return 'succeed';
    };
    for (const card of HOSTED_PAGE_CARDS) {
      const known = lookupCard(card.number);
      expect(known, card.number).toBeDefined();
      expect(known!.behaviour, card.number).toBe(says(card.outcome));
      expect(Boolean(known!.dispute), card.number).toBe(/disputed|inquiry/.test(card.outcome));
    }
    expect(new Set(HOSTED_PAGE_CARDS.map((card) => says(card.outcome)))).toEqual(new Set(['succeed', 'require_3ds', 'decline']));
  });
});
