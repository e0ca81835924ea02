import { newId, randomToken } from './ids';
import type { Permission } from './permissions';
import type { Scope } from './store';

/** What Stripe still needs from an account before it can (keep) charging or paying out. */
export interface AccountRequirements {
  currently_due: string[];
  eventually_due: string[];
  past_due: string[];
  pending_verification: string[];
  disabled_reason: string | null;
  current_deadline: number | null;
}

export interface Account {
  id: string;
  email: string | null;
  businessName: string | null;
  country: string;
  defaultCurrency: string;
  created: number;
  /** Changed through the control API; each change is an `account.updated` event. */
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  capabilities: Record<string, 'active' | 'inactive' | 'pending'>;
  requirements: AccountRequirements;
}

export function emptyRequirements(): AccountRequirements {
  return { currently_due: [], eventually_due: [], past_due: [], pending_verification: [], disabled_reason: null, current_deadline: null };
}

export type KeyKind = 'secret' | 'publishable' | 'restricted';

export interface ApiKey {
  key: string;
  kind: KeyKind;
  scope: Scope;
  /** Only for restricted keys. */
  permissions: Permission[];
}

export interface AccountKeys {
  secret_key: string;
  publishable_key: string;
  live_secret_key: string;
  live_publishable_key: string;
}

/** Accounts and their API keys; a key decides the account and the mode of every request. */
export class AccountRegistry {
  private readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, ApiKey>();

  create(init: Partial<Pick<Account, 'email' | 'businessName' | 'country' | 'defaultCurrency'>> & { created: number }): {
    account: Account;
    keys: AccountKeys;
  } {
    const account: Account = {
      id: newId('acct', 16),
      email: init.email ?? null,
      businessName: init.businessName ?? null,
      country: init.country ?? 'US',
      defaultCurrency: init.defaultCurrency ?? 'usd',
      created: init.created,
      chargesEnabled: true,
      payoutsEnabled: true,
      capabilities: { card_payments: 'active', transfers: 'active' },
      requirements: emptyRequirements(),
    };
    this.accounts.set(account.id, account);
    const make = (prefix: string, kind: KeyKind, livemode: boolean): string => {
      const key = `${prefix}_${randomToken(24)}${randomToken(75)}`;
      this.keys.set(key, { key, kind, scope: { account: account.id, livemode }, permissions: [] });
      return key;
    };
    return {
      account,
      keys: {
        secret_key: make('sk_test', 'secret', false),
        publishable_key: make('pk_test', 'publishable', false),
        live_secret_key: make('sk_live', 'secret', true),
        live_publishable_key: make('pk_live', 'publishable', true),
      },
    };
  }

  createRestrictedKey(accountId: string, livemode: boolean, permissions: Permission[]): string {
    const key = `${livemode ? 'rk_live' : 'rk_test'}_${randomToken(24)}${randomToken(75)}`;
    this.keys.set(key, { key, kind: 'restricted', scope: { account: accountId, livemode }, permissions });
    return key;
  }

  get(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  findKey(key: string): ApiKey | undefined {
    return this.keys.get(key);
  }

  clear(): void {
    this.accounts.clear();
    this.keys.clear();
  }
}

/** Stripe's masking in auth errors: prefix, stars, last four ("sk_test_****abcd"). */
export function maskKey(key: string): string {
  const prefix = /^(sk|pk|rk)_(test|live)_/.exec(key)?.[0] ?? '';
  const tail = key.slice(-4);
  return `${prefix}${'*'.repeat(Math.max(4, Math.min(key.length - prefix.length - 4, 80)))}${tail}`;
}
