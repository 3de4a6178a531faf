/**
 * Cognito's errors as the wire shows them: HTTP 400 with `{"__type","message"}` and the same in
 * `x-amzn-ErrorType` / `x-amzn-ErrorMessage`. amazon-cognito-identity-js reads the body, Amplify the header.
 */
export type CognitoErrorType =
  | 'AliasExistsException'
  | 'CodeMismatchException'
  | 'EnableSoftwareTokenMFAException'
  | 'ExpiredCodeException'
  | 'ExpiredTokenException'
  | 'IncompleteSignatureException'
  | 'InternalErrorException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'InvalidSignatureException'
  | 'LimitExceededException'
  | 'MissingAuthenticationTokenException'
  | 'NotAuthorizedException'
  | 'OperationNotEnabledException'
  | 'PasswordResetRequiredException'
  | 'ResourceNotFoundException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'UnsupportedUserStateException'
  | 'UserNotFoundException'
  | 'UserPoolAddOnNotEnabledException'
  | 'UsernameExistsException'
  | 'WebAuthnNotEnabledException';

export class CognitoError extends Error {
  constructor(
    readonly type: CognitoErrorType,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

/** The generic answer for a wrong password or, with user-existence errors prevented, an unknown user. */
export function incorrectCredentials(): CognitoError {
  return new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
}

export function invalidParameter(message: string): CognitoError {
  return new CognitoError('InvalidParameterException', message);
}

/** AWS's message for a member that is missing or out of bounds; values are never echoed (some are passwords). */
export function validationError(member: string, constraint: string, missing = false): CognitoError {
  return invalidParameter(
    `1 validation error detected: Value ${missing ? 'null ' : ''}at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
