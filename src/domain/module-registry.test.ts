import { describe, expect, it } from 'vitest';
import type { BusinessModule } from './module';
import { ModuleRegistry, mergeOutcomes } from './module-registry';

const module = (name: string, payableTypes: string[]): BusinessModule => ({
  name,
  feature: 'payments',
  payableTypes,
  describes: name,
  handles: {},
});

describe('module registry', () => {
  it('refuses a second owner for a payable type, and a module registered twice', () => {
    const registry = new ModuleRegistry().register(module('invoices', ['invoice']));
    expect(() => registry.register(module('other', ['invoice']))).toThrow('Payable type invoice is owned by module invoices');
    expect(() => registry.register(module('invoices', []))).toThrow('registered twice');
    expect(registry.ownerOf('invoice')?.name).toBe('invoices');
  });

  it('merges outcomes: processed when any module acted, ignored with every reason when none did', () => {
    expect(mergeOutcomes([])).toBeUndefined();
    expect(
      mergeOutcomes([
        { status: 'ignored', reason: 'a' },
        { status: 'processed', note: 'b' },
      ]),
    ).toEqual({ status: 'processed', note: 'b' });
    expect(
      mergeOutcomes([
        { status: 'ignored', reason: 'a' },
        { status: 'ignored', reason: 'c' },
      ]),
    ).toEqual({ status: 'ignored', reason: 'a; c' });
  });
});
