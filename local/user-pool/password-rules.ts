/** The stack's password policy (contract/password-policy.ts), applied with Cognito's messages. */
import { randomInt } from 'node:crypto';
import { type PasswordPolicy, passwordPolicy } from '../../contract/password-policy';
import { CognitoError } from './errors';

/** The characters Cognito counts as symbols (a space counts too, inside the password). */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';

/** Throws InvalidPasswordException, naming the first rule the password breaks. */
export function checkPassword(password: string, policy: PasswordPolicy = passwordPolicy): void {
  const fail = (rule: string) =>
    new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${rule}`);
  if ([...password].length < policy.minimumLength) throw fail('Password not long enough');
  if (policy.requireUppercase && !/[A-Z]/.test(password))
    throw fail('Password must have uppercase characters');
  if (policy.requireLowercase && !/[a-z]/.test(password))
    throw fail('Password must have lowercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(password)) throw fail('Password must have numeric characters');
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) {
    throw fail('Password must have symbol characters');
  }
  if (password.trim() !== password) {
    throw new CognitoError('InvalidParameterException', 'The password must not begin or end with a space.');
  }
}

/** A temporary password that meets the policy, for AdminCreateUser without TemporaryPassword. */
export function generateTemporaryPassword(policy: PasswordPolicy = passwordPolicy): string {
  const classes = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@'];
  const all = classes.join('');
  const chars = classes.map((set) => set[randomInt(set.length)]);
  while (chars.length < Math.max(policy.minimumLength, 16)) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
