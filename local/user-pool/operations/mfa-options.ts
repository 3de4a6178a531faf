/**
 * SetUserSettings: the legacy per-user MFA options, which only ever configured SMS codes to `phone_number`.
 * An empty list turns SMS MFA off (nothing to do: this pool has none). Any other attribute is refused as
 * Cognito words it; an SMS option is refused because no user of this pool has a phone number (the client
 * may write `email` only), as SetUserMFAPreference refuses turning SMS MFA on.
 */
import { invalidParameter, validationError } from '../errors';
import { type Input, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';

const TOKEN_MAX = 8192;

export function setUserSettings(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  const options = mfaOptions(input);
  userOfAccessToken(pool, accessToken);
  if (options.some((option) => option.attribute !== 'phone_number')) {
    throw invalidParameter('Only phone_number attribute is currently supported as a MFA option.');
  }
  if (options.length > 0) throw invalidParameter('User does not have a phone_number set to turn on SMS MFA');
  return {};
}

function mfaOptions(input: Input): readonly { attribute?: string }[] {
  const value = input.MFAOptions;
  if (value === undefined || value === null)
    throw validationError('mFAOptions', 'Member must not be null', true);
  const invalid = validationError('mFAOptions', 'Member must be a list of {DeliveryMedium, AttributeName}');
  if (!Array.isArray(value)) throw invalid;
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) throw invalid;
    const { DeliveryMedium, AttributeName } = entry as Record<string, unknown>;
    if (DeliveryMedium !== undefined && DeliveryMedium !== 'SMS' && DeliveryMedium !== 'EMAIL') {
      throw validationError(
        'mFAOptions.member.deliveryMedium',
        'Member must satisfy enum value set: [SMS, EMAIL]',
      );
    }
    if (AttributeName !== undefined && typeof AttributeName !== 'string') throw invalid;
    return { attribute: AttributeName };
  });
}
