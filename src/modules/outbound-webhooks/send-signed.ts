import { safePost, type PostOptions, type PostResult } from './safe-post';
import { signatureHeader } from './signature';

/**
 * Sends one attempt: the `webhook-timestamp` and `webhook-signature` are made now, at each attempt
 * (receivers refuse timestamps more than 5 minutes off), while `webhook-id` and the body stay the
 * same on every attempt. The timestamp is the wall clock, as the receiver's check is.
 */
export function sendSigned(
  url: string,
  message: { webhookId: string; body: string; keys: readonly Buffer[] },
  options: Omit<PostOptions, 'headers' | 'body'>,
): Promise<PostResult> {
  const timestamp = Math.floor(Date.now() / 1000);
  return safePost(url, {
    ...options,
    body: message.body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Paybridge-Webhooks/1',
      'webhook-id': message.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(message.webhookId, timestamp, message.body, message.keys),
    },
  });
}
