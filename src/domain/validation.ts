import { z } from 'zod';
import { passwordPolicyViolation } from '../auth/password.js';
import { InputError } from '../errors.js';

/**
 * Parses mutation input with a zod schema; the first problem becomes an InputError whose field is
 * the dotted path below `root`, e.g. `input.password`.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, root = 'input'): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].join('.');
  throw new InputError(path, issue?.message ?? 'Invalid value.');
}

export const passwordSchema = z.string().superRefine((password, ctx) => {
  const violation = passwordPolicyViolation(password);
  if (violation) {
    ctx.addIssue({ code: 'custom', message: `Password ${violation}.` });
  }
});

export const emailSchema = z
  .string()
  .trim()
  .max(254, 'E-mail must be at most 254 characters.')
  .pipe(z.email('Must be a valid e-mail address.'))
  .transform((email) => email.toLowerCase());

export const ACCOUNT_NAME_RULE =
  '3 to 40 characters: lower-case letters, digits and dashes, starting with a letter; stored in lower case';

export const accountNameSchema = z
  .string()
  .trim()
  .transform((name) => name.toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^[a-z][a-z0-9-]{2,39}$/, `Account name must be ${ACCOUNT_NAME_RULE}.`),
  );

export const SUBUSER_LOGIN_RULE = '1 to 64 characters: letters, digits, dot, dash and underscore; stored in lower case';

export const subuserLoginSchema = z
  .string()
  .trim()
  .transform((login) => login.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9._-]{1,64}$/, `Login must be ${SUBUSER_LOGIN_RULE}.`));

export const uuidSchema = z.uuid();

export const NAME_RULE =
  '1 to 64 characters: letters A-Z and a-z, digits, space, dot, dash and underscore, starting with a letter or a digit; ' +
  'leading and trailing spaces are removed';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** Builds the schema for names of applications, scenarios and rules; `subject` starts the error message, e.g. "Application name". */
export function displayNameSchema(subject: string) {
  return z
    .string()
    .trim()
    .regex(NAME_PATTERN, `${subject} must be ${NAME_RULE}.`);
}

/**
 * Parses an ID argument into the lower-case form PostgreSQL returns; a malformed one yields
 * undefined, so callers treat it as not found.
 */
export function parseId(id: string | number): string | undefined {
  const text = String(id).toLowerCase();
  return uuidSchema.safeParse(text).success ? text : undefined;
}
