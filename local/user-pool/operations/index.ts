/** Every operation the stand-in answers, by its X-Amz-Target name; admin ones need a SigV4 signature. */
import type { Input } from '../input';
import type { Pool } from '../pool';
import {
  adminListUserAuthEvents,
  adminResetUserPassword,
  updateAuthEventFeedback,
} from './admin-password-reset';
import {
  adminCreateUser,
  adminDeleteUser,
  adminDisableUser,
  adminEnableUser,
  adminGetUser,
  adminSetUserPassword,
} from './admin-users';
import { confirmDevice, forgetDevice, getDevice, listDevices, updateDeviceStatus } from './devices';
import { confirmForgotPassword, forgotPassword } from './forgot-password';
import { initiateAuth } from './initiate-auth';
import { listUsers } from './list-users';
import { setUserSettings } from './mfa-options';
import {
  completeWebAuthnRegistration,
  deleteWebAuthnCredential,
  listWebAuthnCredentials,
  startWebAuthnRegistration,
} from './passkeys';
import { getTokensFromRefreshToken, revokeToken } from './refresh-tokens';
import { respondToAuthChallenge } from './respond-to-auth-challenge';
import { confirmSignUp, resendConfirmationCode, signUp } from './sign-up';
import { changePassword, deleteUser, getUser, getUserAuthFactors, globalSignOut } from './signed-in-user';
import { associateSoftwareToken, setUserMfaPreference, verifySoftwareToken } from './software-token';
import {
  deleteUserAttributes,
  getUserAttributeVerificationCode,
  updateUserAttributes,
  verifyUserAttribute,
} from './user-attributes';
import { listUserSessions, revokeUserSession } from './user-sessions';

export interface Operation {
  readonly admin: boolean;
  readonly run: (pool: Pool, input: Input) => object | Promise<object>;
}

const user = (run: Operation['run']): Operation => ({ admin: false, run });
const admin = (run: Operation['run']): Operation => ({ admin: true, run });

export const operations: Readonly<Record<string, Operation>> = {
  InitiateAuth: user(initiateAuth),
  RespondToAuthChallenge: user(respondToAuthChallenge),
  GetTokensFromRefreshToken: user(getTokensFromRefreshToken),
  RevokeToken: user(revokeToken),
  GetUser: user(getUser),
  ChangePassword: user(changePassword),
  GlobalSignOut: user(globalSignOut),
  ForgotPassword: user(forgotPassword),
  ConfirmForgotPassword: user(confirmForgotPassword),
  SignUp: user(signUp),
  ConfirmSignUp: user(confirmSignUp),
  ResendConfirmationCode: user(resendConfirmationCode),
  DeleteUser: user(deleteUser),
  GetUserAuthFactors: user(getUserAuthFactors),
  ListDevices: user(listDevices),
  GetDevice: user(getDevice),
  ConfirmDevice: user(confirmDevice),
  ForgetDevice: user(forgetDevice),
  UpdateDeviceStatus: user(updateDeviceStatus),
  SetUserSettings: user(setUserSettings),
  StartWebAuthnRegistration: user(startWebAuthnRegistration),
  CompleteWebAuthnRegistration: user(completeWebAuthnRegistration),
  ListWebAuthnCredentials: user(listWebAuthnCredentials),
  DeleteWebAuthnCredential: user(deleteWebAuthnCredential),
  ListUserSessions: user(listUserSessions),
  RevokeUserSession: user(revokeUserSession),
  AssociateSoftwareToken: user(associateSoftwareToken),
  VerifySoftwareToken: user(verifySoftwareToken),
  SetUserMFAPreference: user(setUserMfaPreference),
  UpdateAuthEventFeedback: user(updateAuthEventFeedback),
  UpdateUserAttributes: user(updateUserAttributes),
  GetUserAttributeVerificationCode: user(getUserAttributeVerificationCode),
  VerifyUserAttribute: user(verifyUserAttribute),
  DeleteUserAttributes: user(deleteUserAttributes),
  AdminCreateUser: admin(adminCreateUser),
  AdminSetUserPassword: admin(adminSetUserPassword),
  AdminGetUser: admin(adminGetUser),
  AdminDisableUser: admin(adminDisableUser),
  AdminEnableUser: admin(adminEnableUser),
  AdminDeleteUser: admin(adminDeleteUser),
  ListUsers: admin(listUsers),
  AdminResetUserPassword: admin(adminResetUserPassword),
  AdminListUserAuthEvents: admin(adminListUserAuthEvents),
};
