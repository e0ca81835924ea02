import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Reads the official SDK's type definitions (node_modules/stripe/cjs/resources/**/*.d.ts), which
// list every parameter Stripe accepts per method, so tests can hold the sandbox's route table to them.

const PAGINATION = ['ending_before', 'limit', 'starting_after'];

const resourcesDir = fileURLToPath(new URL('../../node_modules/stripe/cjs/resources', import.meta.url));

/** Top-level parameter names of every `…Params` interface in one .d.ts file. */
export function paramsInterfaces(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const full = path.join(resourcesDir, file);
  if (!existsSync(full)) return out;
  const lines = readFileSync(full, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\s*)(?:export )?interface (\w+Params)( extends PaginationParams)? \{$/.exec(lines[i]!);
    if (!head) continue;
    const indent = head[1]!.length;
    const keys = new Set<string>(head[3] ? PAGINATION : []);
    const field = new RegExp(`^ {${indent + 4}}(\\w+)\\??:`);
    for (i++; i < lines.length && lines[i] !== `${' '.repeat(indent)}}`; i++) {
      const match = field.exec(lines[i]!);
      if (match) keys.add(match[1]!);
    }
    out.set(head[2]!, keys);
  }
  return out;
}

// Path words the SDK spells differently from the URL.
const FILE_WORDS: Record<string, string> = { invoiceitems: 'InvoiceItems', invoiceitem: 'InvoiceItem' };

function pascal(text: string): string {
  if (FILE_WORDS[text]) return FILE_WORDS[text];
  return text
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ses')) return word.slice(0, -2);
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

/**
 * The SDK file and interface that describe a route, by the SDK's naming: `POST /v1/refunds` →
 * Refunds.d.ts `RefundCreateParams`; `POST /v1/issuing/cards/:id` → Issuing/Cards.d.ts
 * `CardUpdateParams`; `POST /v1/payment_intents/:id/capture` → `PaymentIntentCaptureParams`;
 * `GET /v1/x/:id/line_items` → `XListLineItemsParams`; `DELETE /v1/x/:id/discount` → `XDeleteDiscountParams`.
 */
export function sdkInterfaceFor(method: string, routePath: string): { file: string; name: string } {
  const segments = routePath.replace(/^\/v1\//, '').split('/');
  const idIndex = segments.findIndex((s) => s.startsWith(':'));
  const base = idIndex < 0 ? segments : segments.slice(0, idIndex);
  const tail = idIndex < 0 ? [] : segments.slice(idIndex + 1);
  const collection = base.at(-1)!;
  const file = `${base.map(pascal).join('/')}.d.ts`;
  const noun = pascal(singular(collection));
  let action: string;
  if (tail.length > 0) {
    const verb = pascal(tail.join('_'));
    action = method === 'GET' ? `List${verb}` : method === 'DELETE' ? `Delete${verb}` : verb;
  } else if (idIndex < 0) action = method === 'GET' ? 'List' : 'Create';
  else action = method === 'GET' ? 'Retrieve' : method === 'DELETE' ? 'Delete' : 'Update';
  return { file, name: `${noun}${action}Params` };
}
