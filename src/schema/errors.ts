import { ERROR_CODES, AlreadyExistsError, InputError, InvalidCredentialsError, MutationError, SignUpDisabledError } from '../errors.js';
import { builder } from './builder.js';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Stable error codes, used in `extensions.code` of thrown errors and in `code` of mutation errors.',
  values: ERROR_CODES,
});

export const MutationErrorInterface = builder.interfaceRef<MutationError>('MutationError').implement({
  description: 'An expected failure of a mutation, returned as data in its result union.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, nullable: false, resolve: (error) => error.code }),
    message: t.exposeString('message', { nullable: false }),
  }),
});

builder.objectType(InputError, {
  name: 'InputError',
  description: 'An input value is invalid; `field` is its path, such as `input.password`.',
  interfaces: [MutationErrorInterface],
  fields: (t) => ({ field: t.exposeString('field', { nullable: false }) }),
});

builder.objectType(AlreadyExistsError, {
  name: 'AlreadyExistsError',
  description: 'A value that must be unique (account name, e-mail, login) is already taken.',
  interfaces: [MutationErrorInterface],
  fields: (t) => ({ field: t.exposeString('field', { nullable: false }) }),
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  description: 'The credentials did not match; the same for an unknown account, login or wrong password.',
  interfaces: [MutationErrorInterface],
});

builder.objectType(SignUpDisabledError, {
  name: 'SignUpDisabledError',
  description: 'Sign-up is turned off by the server configuration.',
  interfaces: [MutationErrorInterface],
});
