/**
 * What a password must be (DESIGN §5): at least 12 and at most 1024 characters (code points, after
 * Unicode NFKC normalisation, so the same password typed on different keyboards is the same password),
 * and not the user's own name. The upper bound stops a caller from making the server hash megabytes.
 */
import { KernelError } from '../contracts/errors.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
/** Bound on the wire (UTF-16 units): a 1024-code-point password fits, anything much larger is refused early. */
export const PASSWORD_MAX_WIRE_LENGTH = PASSWORD_MAX_LENGTH * 4;

/** The form a password is hashed and compared in. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Checks a new password and returns its normalised form; throws `payload_invalid` saying what to change. */
export function acceptNewPassword(password: string, userName: string): string {
  const normal = normalisePassword(password);
  const length = [...normal].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new KernelError('payload_invalid', `the password must be at least ${PASSWORD_MIN_LENGTH} characters long (it has ${length})`, {
      minLength: PASSWORD_MIN_LENGTH,
    });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new KernelError('payload_invalid', `the password must be at most ${PASSWORD_MAX_LENGTH} characters long`, { maxLength: PASSWORD_MAX_LENGTH });
  }
  if (normal.toLowerCase() === userName.toLowerCase()) {
    throw new KernelError('payload_invalid', 'the password must not be the user name');
  }
  return normal;
}
