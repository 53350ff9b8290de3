/**
 * userIdentity -> Principal for every identity type.
 * Shapes: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import { toPrincipal } from '../../../lambdas/core/event';

describe('toPrincipal', () => {
  it('IAMUser: the user ARN is the identity; user name and long-term key kept', () => {
    expect(
      toPrincipal({
        type: 'IAMUser',
        principalId: 'AIDAJ45Q7YFFAREXAMPLE',
        arn: 'arn:aws:iam::123456789012:user/dev/Alice',
        accountId: '123456789012',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        userName: 'Alice',
      }),
    ).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/dev/Alice',
      identityArn: 'arn:aws:iam::123456789012:user/dev/Alice',
      accountId: '123456789012',
      sessionName: null,
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      invokedBy: null,
      userName: 'Alice',
      mfaAuthenticated: null,
      federatedProvider: null,
    });
  });

  it('IAMUser without userName: the name comes from the ARN (path dropped)', () => {
    expect(toPrincipal({ type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/a/b/carol' }).userName).toBe(
      'carol',
    );
  });

  it('IAMUser with only a role-session principalId and no ARN (Panther fixture): identity not derivable', () => {
    const p = toPrincipal({
      type: 'IAMUser',
      principalId: 'AROAEXAMPLE:session-name',
      accountId: '111111111111',
    });
    expect(p).toMatchObject({
      type: 'IAMUser',
      arn: null,
      identityArn: null,
      accountId: '111111111111',
      userName: null,
    });
  });

  it('AssumedRole: the identity is sessionContext.sessionIssuer.arn, with its path; session name from the ARN', () => {
    const p = toPrincipal({
      type: 'AssumedRole',
      principalId: 'AROAIDPPEZS35WEXAMPLE:MySession',
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/MySession',
      accountId: '111122223333',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAIDPPEZS35WEXAMPLE',
          arn: 'arn:aws:iam::111122223333:role/team/Admin',
          accountId: '111122223333',
          userName: 'Admin',
        },
        attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'true' },
      },
    });
    expect(p).toMatchObject({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/MySession',
      identityArn: 'arn:aws:iam::111122223333:role/team/Admin',
      sessionName: 'MySession',
      mfaAuthenticated: true,
    });
  });

  it('AssumedRole without sessionIssuer: the role ARN is derived from the session ARN (path unknown, none invented)', () => {
    const p = toPrincipal({ type: 'AssumedRole', arn: 'arn:aws-cn:sts::111122223333:assumed-role/Admin/s1' });
    expect(p).toMatchObject({
      identityArn: 'arn:aws-cn:iam::111122223333:role/Admin',
      sessionName: 's1',
      accountId: '111122223333',
    });
  });

  it('AssumedRole with neither issuer nor ARN: identity null, session from principalId', () => {
    const p = toPrincipal({ type: 'AssumedRole', principalId: 'AROAEXAMPLE:s2', accountId: '111122223333' });
    expect(p).toMatchObject({ identityArn: null, sessionName: 's2' });
  });

  it('AssumedRole through web identity keeps the federated provider', () => {
    const p = toPrincipal({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/WebApp/user1',
      sessionContext: { webIdFederationData: { federatedProvider: 'accounts.google.com', attributes: {} } },
    });
    expect(p.federatedProvider).toBe('accounts.google.com');
  });

  it('FederatedUser: the identity is the IAM user that issued the federation token', () => {
    const p = toPrincipal({
      type: 'FederatedUser',
      principalId: '111122223333:Bob',
      arn: 'arn:aws:sts::111122223333:federated-user/Bob',
      accountId: '111122223333',
      sessionContext: {
        sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/broker', userName: 'broker' },
        attributes: { mfaAuthenticated: 'false' },
      },
    });
    expect(p).toMatchObject({
      type: 'FederatedUser',
      identityArn: 'arn:aws:iam::111122223333:user/broker',
      sessionName: 'Bob',
      mfaAuthenticated: false,
    });
  });

  it('Root: the root ARN is the identity (built from the account when missing)', () => {
    expect(
      toPrincipal({ type: 'Root', arn: 'arn:aws:iam::619193117841:root', accountId: '619193117841' }),
    ).toMatchObject({
      identityArn: 'arn:aws:iam::619193117841:root',
    });
    expect(
      toPrincipal({ type: 'Root', principalId: '619193117841', accountId: '619193117841' }),
    ).toMatchObject({
      arn: 'arn:aws:iam::619193117841:root',
      identityArn: 'arn:aws:iam::619193117841:root',
    });
  });

  it('AWSAccount (bucket owner copy of a cross-account call): only unique id, session and account', () => {
    expect(
      toPrincipal({ type: 'AWSAccount', principalId: 'AROAEXAMPLE:session-name', accountId: '111111111111' }),
    ).toMatchObject({
      type: 'AWSAccount',
      arn: null,
      identityArn: null,
      accountId: '111111111111',
      principalId: 'AROAEXAMPLE:session-name',
      sessionName: 'session-name',
    });
    expect(
      toPrincipal({ type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '111111111111' }).sessionName,
    ).toBeNull();
  });

  it('anonymous: {"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"} (see corpus SOURCES.md)', () => {
    expect(
      toPrincipal({ type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' }),
    ).toMatchObject({
      type: 'Anonymous',
      arn: null,
      identityArn: null,
      accountId: null,
      principalId: null,
    });
  });

  it('AWSService: the service that made the call is the caller (its service principal name)', () => {
    expect(toPrincipal({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' })).toMatchObject({
      type: 'AWSService',
      invokedBy: 'cloudtrail.amazonaws.com',
      arn: 'cloudtrail.amazonaws.com',
      identityArn: null,
    });
  });

  it('WebIdentityUser and SAMLUser keep the provider and user name', () => {
    expect(
      toPrincipal({
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:app-id:user-id',
        userName: 'user-id',
        identityProvider: 'accounts.google.com',
      }),
    ).toMatchObject({
      type: 'WebIdentityUser',
      federatedProvider: 'accounts.google.com',
      userName: 'user-id',
      identityArn: null,
    });
    expect(
      toPrincipal({
        type: 'SAMLUser',
        principalId: 'SAMLExample:alice',
        userName: 'alice',
        identityProvider: 'bdGOnTesti4nG3HvAxPc2nQKaR9EXAMPLE',
      }),
    ).toMatchObject({
      type: 'SAMLUser',
      federatedProvider: 'bdGOnTesti4nG3HvAxPc2nQKaR9EXAMPLE',
      userName: 'alice',
    });
  });

  it('IdentityCenterUser: the Identity Center user id stands in for the unique id', () => {
    const p = toPrincipal({
      type: 'IdentityCenterUser',
      accountId: '111122223333',
      onBehalfOf: {
        userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
        identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1234567890',
      },
      credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    });
    expect(p).toMatchObject({
      type: 'IdentityCenterUser',
      principalId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      accountId: '111122223333',
    });
  });

  it.each([[undefined], [null], [{}], [{ type: 'Directory' }], [{ type: 42 }], ['text'], [[1, 2]]])(
    'missing or unrecognised type (%p) is Unknown',
    (ui) => {
      expect(toPrincipal(ui).type).toBe('Unknown');
    },
  );

  it('Unknown keeps what it can: the service of an AwsServiceEvent (corpus: batch operations)', () => {
    expect(toPrincipal({ accountId: '111122223333', invokedBy: 's3.amazonaws.com' })).toMatchObject({
      type: 'Unknown',
      accountId: '111122223333',
      invokedBy: 's3.amazonaws.com',
    });
  });
});
