import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('is the kind prefix and 20 base62 characters, and never repeats', () => {
    const ids = Array.from({ length: 10_000 }, () => newId('event'));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^ev_[0-9a-zA-Z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId('job')).toMatch(/^job_[0-9a-zA-Z]{20}$/);
  });

  it('uses every character about equally often (no modulo bias toward the first eight)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) for (const char of newId('event').slice(3)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const values = [...counts.values()];
    // 400,000 characters, about 6,452 each with a standard deviation near 80 (so max/min stays near
    // 1.06); a byte % 62 bias would make 0-7 about 25 % more frequent than the rest.
    expect(Math.max(...values) / Math.min(...values)).toBeLessThan(1.15);
  });
});
