/**
 * The device calls, as Cognito answers them for the stack's pool: it sets no device configuration, so
 * Cognito tracks no device. No sign-in returns `NewDeviceMetadata`, ListDevices is always empty, and every
 * device key is one the pool does not have: "Device does not exist." (ResourceNotFoundException, the
 * answer amazon-cognito-identity-js and Amplify retry on) for GetDevice, ForgetDevice and
 * UpdateDeviceStatus, "Invalid device key given." (InvalidParameterException) for ConfirmDevice.
 */
import { CognitoError, invalidParameter, validationError } from '../errors';
import { type Input, optionalInteger, optionalString, requiredString } from '../input';
import { type Pool, userOfAccessToken } from '../pool';

const TOKEN_MAX = 8192;
/** A device key is `<region>_<uuid>`: at most 55 characters. */
const DEVICE_KEY_MAX = 55;
const DEVICE_KEY_PATTERN = /^[\w-]+_[0-9a-f-]+$/;

function deviceKey(input: Input): void {
  const key = requiredString(input, 'DeviceKey', DEVICE_KEY_MAX);
  if (!DEVICE_KEY_PATTERN.test(key)) {
    throw validationError('deviceKey', 'Member must satisfy regular expression pattern: [\\w-]+_[0-9a-f-]+');
  }
}

/** GetDevice and ForgetDevice take the access token as optional in the model; without one there is no user. */
function signedInUser(pool: Pool, input: Input): void {
  const accessToken = optionalString(input, 'AccessToken', TOKEN_MAX);
  if (accessToken === undefined) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  userOfAccessToken(pool, accessToken);
}

function deviceNotFound(): CognitoError {
  return new CognitoError('ResourceNotFoundException', 'Device does not exist.');
}

export function listDevices(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  optionalInteger(input, 'Limit', 0, 60);
  optionalString(input, 'PaginationToken', 2048);
  userOfAccessToken(pool, accessToken);
  return { Devices: [] };
}

export function getDevice(pool: Pool, input: Input): object {
  deviceKey(input);
  signedInUser(pool, input);
  throw deviceNotFound();
}

export function forgetDevice(pool: Pool, input: Input): object {
  deviceKey(input);
  signedInUser(pool, input);
  throw deviceNotFound();
}

export function updateDeviceStatus(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  deviceKey(input);
  const status = optionalString(input, 'DeviceRememberedStatus', 32);
  if (status !== undefined && status !== 'remembered' && status !== 'not_remembered') {
    throw validationError(
      'deviceRememberedStatus',
      'Member must satisfy enum value set: [remembered, not_remembered]',
    );
  }
  userOfAccessToken(pool, accessToken);
  throw deviceNotFound();
}

/** The key a client confirms comes from a sign-in's NewDeviceMetadata, which this pool never gives. */
export function confirmDevice(pool: Pool, input: Input): object {
  const accessToken = requiredString(input, 'AccessToken', TOKEN_MAX);
  deviceKey(input);
  optionalString(input, 'DeviceName', 1024);
  const verifier = input.DeviceSecretVerifierConfig;
  if (
    verifier !== undefined &&
    verifier !== null &&
    (typeof verifier !== 'object' || Array.isArray(verifier))
  ) {
    throw validationError('deviceSecretVerifierConfig', 'Member must be a structure');
  }
  userOfAccessToken(pool, accessToken);
  throw invalidParameter('Invalid device key given.');
}
