import { expect } from 'chai';
import { routes } from '../../contract/routes';
import { tokenValidity } from '../../contract/token-validity';
import type { AccountSettings } from '../../modules/user-auth';
import { type EnvironmentConfig, environments, validateEnvironment } from '../../stacks/environments';
import { arnPath, type Synthesized, synth, synthDev } from './synthesized';

/** The dev environment with other account settings. */
function devWith(auth: AccountSettings): EnvironmentConfig {
  return { ...(environments.dev as EnvironmentConfig), auth };
}

describe('UserAuth', () => {
  let stack: Synthesized;
  before(() => {
    stack = synthDev();
  });

  describe('user pool', () => {
    it('signs users in by email, whatever its case', () => {
      const pool = stack.only('aws_cognito_user_pool');
      expect(pool.username_attributes).to.deep.equal(['email']);
      expect(pool.username_configuration.case_sensitive).to.equal(false);
    });

    it('lets only administrators create accounts', () => {
      expect(
        stack.only('aws_cognito_user_pool').admin_create_user_config.allow_admin_create_user_only,
      ).to.equal(true);
    });

    it('requires strong passwords and expires temporary ones within 7 days', () => {
      const policy = stack.only('aws_cognito_user_pool').password_policy;
      expect(policy.minimum_length).to.be.at.least(12);
      expect(policy).to.include({
        require_lowercase: true,
        require_uppercase: true,
        require_numbers: true,
        require_symbols: true,
      });
      expect(policy.temporary_password_validity_days).to.be.within(1, 7);
    });

    it('recovers accounts by verified email only', () => {
      const pool = stack.only('aws_cognito_user_pool');
      expect(pool.account_recovery_setting.recovery_mechanism).to.deep.equal([
        { name: 'verified_email', priority: 1 },
      ]);
      expect(pool.auto_verified_attributes).to.deep.equal(['email']);
    });

    it('cannot be deleted by accident', () => {
      const pool = stack.only('aws_cognito_user_pool');
      expect(pool.deletion_protection).to.equal('ACTIVE');
      expect(pool.lifecycle.prevent_destroy).to.equal(true);
    });

    it('offers optional TOTP multi-factor authentication', () => {
      const pool = stack.only('aws_cognito_user_pool');
      expect(pool.mfa_configuration).to.equal('OPTIONAL');
      expect(pool.software_token_mfa_configuration.enabled).to.equal(true);
    });

    it('changes a sign-in e-mail only once the new address is verified', () => {
      expect(stack.only('aws_cognito_user_pool').user_attribute_update_settings).to.deep.equal({
        attributes_require_verification_before_update: ['email'],
      });
    });

    it('has no threat protection on the Essentials plan, and mails through Cognito, by default', () => {
      const pool = stack.only('aws_cognito_user_pool');
      expect(pool.user_pool_tier).to.equal('ESSENTIALS');
      expect(pool.user_pool_add_ons).to.deep.equal({ advanced_security_mode: 'OFF' });
      expect(pool.email_configuration).to.deep.equal({ email_sending_account: 'COGNITO_DEFAULT' });
    });
  });

  describe('browser client', () => {
    it('has no secret (it runs in the browser)', () => {
      expect(stack.only('aws_cognito_user_pool_client').generate_secret).to.equal(false);
    });

    it('allows only SRP sign-in, refreshing through rotation (which rules out REFRESH_TOKEN_AUTH)', () => {
      const client = stack.only('aws_cognito_user_pool_client');
      expect(client.explicit_auth_flows).to.deep.equal(['ALLOW_USER_SRP_AUTH']);
      expect(client.refresh_token_rotation).to.deep.equal([
        { feature: 'ENABLED', retry_grace_period_seconds: tokenValidity.rotation.retryGraceSeconds },
      ]);
    });

    it('keeps refresh tokens for 7 days at most by default', () => {
      const client = stack.only('aws_cognito_user_pool_client');
      expect(client.refresh_token_validity).to.equal(tokenValidity.refreshDays);
      expect(tokenValidity.refreshDays).to.be.at.most(7);
    });

    it('may read the e-mail and change it (through verification), and no other attribute', () => {
      const client = stack.only('aws_cognito_user_pool_client');
      expect(client.read_attributes).to.deep.equal(['email', 'email_verified']);
      expect(client.write_attributes).to.deep.equal(['email']);
    });

    it('does not reveal whether a user exists', () => {
      expect(stack.only('aws_cognito_user_pool_client').prevent_user_existence_errors).to.equal('ENABLED');
    });

    it('can revoke tokens and keeps access and id tokens short-lived', () => {
      const client = stack.only('aws_cognito_user_pool_client');
      expect(client.enable_token_revocation).to.equal(true);
      expect(client.token_validity_units).to.deep.equal([
        { access_token: 'minutes', id_token: 'minutes', refresh_token: 'days' },
      ]);
      expect(client.access_token_validity).to.be.at.most(60);
      expect(client.id_token_validity).to.be.at.most(60);
    });

    it('belongs to the user pool', () => {
      expect(stack.only('aws_cognito_user_pool_client').user_pool_id).to.equal(
        stack.ref('aws_cognito_user_pool', 'id'),
      );
    });
  });

  describe('identity pool', () => {
    it('gives no identity to guests and has no classic flow', () => {
      const pool = stack.only('aws_cognito_identity_pool');
      expect(pool.allow_unauthenticated_identities).to.equal(false);
      expect(pool.allow_classic_flow).to.equal(false);
    });

    it('trusts exactly our user pool and client, checking tokens server-side', () => {
      expect(stack.only('aws_cognito_identity_pool').cognito_identity_providers).to.deep.equal([
        {
          client_id: stack.ref('aws_cognito_user_pool_client', 'id'),
          provider_name: stack.ref('aws_cognito_user_pool', 'endpoint'),
          server_side_token_check: true,
        },
      ]);
    });

    it('cannot be destroyed by accident (users would lose their folders)', () => {
      expect(stack.only('aws_cognito_identity_pool').lifecycle.prevent_destroy).to.equal(true);
    });

    it('maps signed-in users, and only them, to the authenticated role', () => {
      const attachment = stack.only('aws_cognito_identity_pool_roles_attachment');
      expect(attachment.identity_pool_id).to.equal(stack.ref('aws_cognito_identity_pool', 'id'));
      const [address] = stack.deref(attachment.roles.authenticated);
      expect(attachment.roles).to.have.all.keys('authenticated');
      expect(address).to.match(/^aws_iam_role\.auth_authenticated-role_/);
    });
  });

  describe('authenticated role', () => {
    function authenticatedRole(): string {
      return stack.only('aws_cognito_identity_pool_roles_attachment').roles.authenticated;
    }

    it('may be assumed only through our identity pool, by signed-in identities', () => {
      const [, role] = stack.deref(authenticatedRole());
      const [trust] = stack.statements(role.assume_role_policy);
      expect(trust?.effect).to.equal('Allow');
      expect(trust?.actions).to.deep.equal(['sts:AssumeRoleWithWebIdentity']);
      expect(trust?.principals).to.deep.equal([
        { type: 'Federated', identifiers: ['cognito-identity.amazonaws.com'] },
      ]);
      expect(trust?.condition).to.deep.include({
        test: 'StringEquals',
        variable: 'cognito-identity.amazonaws.com:aud',
        values: [stack.ref('aws_cognito_identity_pool', 'id')],
      });
      expect(trust?.condition).to.deep.include({
        test: 'ForAnyValue:StringLike',
        variable: 'cognito-identity.amazonaws.com:amr',
        values: ['authenticated'],
      });
    });

    it("may only invoke this API's routes on its stage", () => {
      const statements = stack.roleStatements(authenticatedRole());
      expect(statements.flatMap((s) => s.actions)).to.deep.equal(['execute-api:Invoke']);
      const executionArn = stack.ref('aws_api_gateway_rest_api', 'execution_arn');
      const expected = routes.map((route) => `${executionArn}/v1/${route.method}${arnPath(route.path)}`);
      expect(statements[0]?.resources).to.have.members(expected);
      expect(statements[0]?.resources).to.have.length(expected.length);
    });
  });

  describe('per-environment account settings', () => {
    it('sets the refresh-token lifetime and grace period, or turns rotation off and allows REFRESH_TOKEN_AUTH', () => {
      const short = synth({
        config: devWith({ refreshTokenValidityDays: 1, refreshTokenRetryGraceSeconds: 0 }),
      });
      const client = short.only('aws_cognito_user_pool_client');
      expect(client.refresh_token_validity).to.equal(1);
      expect(client.refresh_token_rotation).to.deep.equal([
        { feature: 'ENABLED', retry_grace_period_seconds: 0 },
      ]);
      const off = synth({ config: devWith({ refreshTokenRotation: false }) }).only(
        'aws_cognito_user_pool_client',
      );
      expect(off.refresh_token_rotation).to.deep.equal([{ feature: 'DISABLED' }]);
      expect(off.explicit_auth_flows).to.deep.equal(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    });

    it('turns MFA off or requires it', () => {
      const off = synth({ config: devWith({ mfa: 'OFF' }) }).only('aws_cognito_user_pool');
      expect(off.mfa_configuration).to.equal('OFF');
      expect(off.software_token_mfa_configuration).to.equal(undefined);
      const on = synth({ config: devWith({ mfa: 'ON' }) }).only('aws_cognito_user_pool');
      expect(on.mfa_configuration).to.equal('ON');
      expect(on.software_token_mfa_configuration.enabled).to.equal(true);
    });

    it('turns threat protection on with the Plus plan it needs', () => {
      for (const mode of ['AUDIT', 'ENFORCED'] as const) {
        const pool = synth({ config: devWith({ threatProtection: mode }) }).only('aws_cognito_user_pool');
        expect(pool.user_pool_tier).to.equal('PLUS');
        expect(pool.user_pool_add_ons).to.deep.equal({ advanced_security_mode: mode });
      }
    });

    it('mails through the SES identity an environment names', () => {
      const emailSender = {
        sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com',
        fromEmailAddress: 'Lockbox <no-reply@example.com>',
      };
      const pool = synth({ config: devWith({ emailSender }) }).only('aws_cognito_user_pool');
      expect(pool.email_configuration).to.deep.equal({
        email_sending_account: 'DEVELOPER',
        source_arn: emailSender.sourceArn,
        from_email_address: emailSender.fromEmailAddress,
      });
    });

    it('refuses settings Cognito would refuse, at synth', () => {
      const bad: AccountSettings[] = [
        { refreshTokenValidityDays: 0 },
        { refreshTokenValidityDays: 31 },
        { refreshTokenValidityDays: 1.5 },
        { refreshTokenRetryGraceSeconds: 61 },
        { mfa: 'SMS' as never },
        { threatProtection: 'FULL' as never },
        { emailSender: { sourceArn: 'arn:aws:iam::123456789012:user/x', fromEmailAddress: 'a@b.c' } },
        {
          emailSender: {
            sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/b.c',
            fromEmailAddress: 'nobody',
          },
        },
      ];
      for (const auth of bad) {
        expect(() => validateEnvironment(devWith(auth)), JSON.stringify(auth)).to.throw(/auth\./);
      }
      expect(() => validateEnvironment(devWith({ refreshTokenValidityDays: 30, mfa: 'ON' }))).not.to.throw();
    });
  });
});
