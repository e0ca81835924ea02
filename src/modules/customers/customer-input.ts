import { z } from '@hono/zod-openapi';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

export const createCustomerInput = z
  .object({
    external_id: z
      .string()
      .min(1, 'must not be empty')
      .max(200)
      .regex(/^[^\s:][^\s]*$/, "must have no spaces and not start with ':' (it is used as ext:{external_id} in paths)")
      .openapi({ example: 'user_42', description: "The platform's own id; creating again with it returns the same customer." }),
    email: z.email({ message: 'must be an email address such as ada@example.com' }).max(254),
    name: z.string().trim().max(200).refine(noControl, 'must not contain control characters').optional(),
  })
  .strict();

export type CreateCustomerInput = z.infer<typeof createCustomerInput>;
