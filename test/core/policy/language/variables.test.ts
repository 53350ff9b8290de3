/**
 * Policy variables.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * Version: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
 * ("you cannot use features such as policy variables that were introduced with this version": without
 * "2012-10-17" a variable is literal text).
 */
import { compileTemplate } from '../../../../lambdas/core/policy/variables';
import { conditionResult, evaluate, iamUser, request, roleSession, statementDoc } from './helpers';

const homeDoc = (version?: string) => ({
  ...(version ? { Version: version } : {}),
  Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/home/${aws:username}/*' },
});

describe('variables in Resource (reference_policies_variables.html)', () => {
  it('${aws:username} is the IAM user name', () => {
    expect(
      evaluate(
        homeDoc('2012-10-17'),
        request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::b/home/alice/x' }),
      ).decision,
    ).toBe('allow');
    expect(
      evaluate(
        homeDoc('2012-10-17'),
        request({ principal: iamUser('bob'), resource: 'arn:aws:s3:::b/home/alice/x' }),
      ).decision,
    ).toBe('none');
  });

  it('a variable whose key is absent makes the Resource not match (role sessions have no aws:username)', () => {
    const ev = evaluate(
      homeDoc('2012-10-17'),
      request({ principal: roleSession(), resource: 'arn:aws:s3:::b/home/alice/x' }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.resourceMatched).toBe(false);
  });

  it('a key the request does not tell about gives unknown', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/team}/*' },
    };
    const ev = evaluate(doc, request({ resource: 'arn:aws:s3:::b/red/x', otherKeys: 'unknown' }));
    expect(ev.decision).toBe('unknown');
    expect(ev.statements[0]?.matched).toBe('unknown');
  });

  it('without Version 2012-10-17 the variable is literal text', () => {
    expect(
      evaluate(homeDoc(), request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::b/home/alice/x' }))
        .decision,
    ).toBe('none');
    expect(
      evaluate(
        homeDoc('2008-10-17'),
        request({ principal: iamUser('alice'), resource: 'arn:aws:s3:::b/home/${aws:username}/x' }),
      ).decision,
    ).toBe('allow');
  });

  it("${aws:PrincipalTag/x} and defaults ${key, 'default'}", () => {
    const doc = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: '*',
        Resource: "arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}/*",
      },
    };
    expect(
      evaluate(doc, request({ resource: 'arn:aws:s3:::b/red/x', values: { 'aws:PrincipalTag/team': 'red' } }))
        .decision,
    ).toBe('allow');
    expect(evaluate(doc, request({ resource: 'arn:aws:s3:::b/company-wide/x' })).decision).toBe('allow');
    expect(evaluate(doc, request({ resource: 'arn:aws:s3:::b/red/x' })).decision).toBe('none');
  });

  it('the value of a variable is literal: a "*" in it is no wildcard', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:PrincipalTag/p}' },
    };
    expect(
      evaluate(doc, request({ resource: 'arn:aws:s3:::b/anything', values: { 'aws:PrincipalTag/p': '*' } }))
        .decision,
    ).toBe('none');
    expect(
      evaluate(doc, request({ resource: 'arn:aws:s3:::b/*', values: { 'aws:PrincipalTag/p': '*' } }))
        .decision,
    ).toBe('allow');
  });
});

describe('policy variables with no value (reference_policies_variables.html#policy-vars-no-value)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html, "Policy variables with no
  // value": "If a variable that has no value in the authorization context is used as part of the Resource or
  // NotResource element of a policy, the resource that includes a policy variable with no value will not match any
  // resource"; "Inverted condition operators like StringNotEquals or StringNotLike do match against a null value".
  const notResourceDeny = {
    Version: '2012-10-17',
    Statement: {
      Effect: 'Deny',
      Action: 's3:GetObject',
      NotResource: 'arn:aws:s3:::data-bucket/home/${aws:username}/*',
    },
  };

  it('a Deny whose NotResource has ${aws:username} does not apply to a role session (no aws:username): it matches no resource', () => {
    const ev = evaluate(
      notResourceDeny,
      request({ principal: roleSession(), resource: 'arn:aws:s3:::data-bucket/home/alice/notes.txt' }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.matched).toBe(false);
    expect(ev.statements[0]?.detail).toContain('has a policy variable with no value');
  });

  it('the same NotResource Deny still applies to an IAM user outside their home prefix, and spares their own', () => {
    const outside = request({ principal: iamUser('bob'), resource: 'arn:aws:s3:::data-bucket/home/alice/x' });
    const inside = request({
      principal: iamUser('alice'),
      resource: 'arn:aws:s3:::data-bucket/home/alice/x',
    });
    expect(evaluate(notResourceDeny, outside).decision).toBe('deny');
    expect(evaluate(notResourceDeny, inside).decision).toBe('none');
  });

  it("a NotResource variable with a default ${key, 'default'} has a value, so the statement applies", () => {
    const doc = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Deny',
        Action: 's3:GetObject',
        NotResource: "arn:aws:s3:::data-bucket/home/${aws:username, 'shared'}/*",
      },
    };
    const session = (resource: string) => request({ principal: roleSession(), resource });
    expect(evaluate(doc, session('arn:aws:s3:::data-bucket/home/alice/x')).decision).toBe('deny');
    expect(evaluate(doc, session('arn:aws:s3:::data-bucket/home/shared/x')).decision).toBe('none');
  });

  it('a NotResource variable the request does not tell about stays unknown', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Deny',
        Action: 's3:GetObject',
        NotResource: 'arn:aws:s3:::b/${aws:PrincipalTag/team}/*',
      },
    };
    expect(evaluate(doc, request({ resource: 'arn:aws:s3:::b/red/x', otherKeys: 'unknown' })).decision).toBe(
      'unknown',
    );
  });

  it("AWS's own example: a Deny with StringNotEquals s3:ExistingObjectTag/Team ${aws:PrincipalTag/Team} denies a caller without the Team tag", () => {
    const doc = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Deny',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*',
        Condition: { StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/Team}' } },
      },
    };
    const untagged = request({ principal: roleSession(), values: { 's3:ExistingObjectTag/Team': 'red' } });
    const tagged = request({
      principal: roleSession(),
      values: { 's3:ExistingObjectTag/Team': 'red', 'aws:PrincipalTag/Team': 'red' },
    });
    expect(evaluate(doc, untagged).decision).toBe('deny');
    expect(evaluate(doc, tagged).decision).toBe('none');
  });

  it('a Resource value with a no-value variable matches nothing, but another Resource value of the statement still can', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::b/public/*'],
      },
    };
    expect(
      evaluate(doc, request({ principal: roleSession(), resource: 'arn:aws:s3:::b/public/x' })).decision,
    ).toBe('allow');
    expect(
      evaluate(doc, request({ principal: roleSession(), resource: 'arn:aws:s3:::b/home/x/y' })).decision,
    ).toBe('none');
  });
});

describe('variables in condition values (reference_policies_variables.html)', () => {
  it.each([
    ['StringLike', 'home/${aws:username}/*', { 's3:prefix': 'home/alice/docs' }, true],
    ['StringLike', 'home/${aws:username}/*', { 's3:prefix': 'home/bob/docs' }, false],
    ['StringEquals', '${aws:username}', { 's3:prefix': 'alice' }, true],
    // ${*}, ${?}, ${$}: the literal characters
    ['StringLike', 'a${*}b', { 's3:prefix': 'a*b' }, true],
    ['StringLike', 'a${*}b', { 's3:prefix': 'axxb' }, false],
    ['StringLike', 'a${?}', { 's3:prefix': 'a?' }, true],
    ['StringLike', 'a${?}', { 's3:prefix': 'ab' }, false],
    ['StringEquals', 'cost${$}', { 's3:prefix': 'cost$' }, true],
    // a key without value: "there is no equal or like value"
    ['StringEquals', '${aws:PrincipalTag/none}', { 's3:prefix': '' }, false],
    ['StringNotEquals', '${aws:PrincipalTag/none}', { 's3:prefix': 'x' }, true],
    ['StringEquals', "${aws:PrincipalTag/none, 'dflt'}", { 's3:prefix': 'dflt' }, true],
    // variable names are case-insensitive
    ['StringEquals', '${AWS:USERNAME}', { 's3:prefix': 'alice' }, true],
  ])('%s %s with %j -> %s', (op, value, values, expected) => {
    expect(conditionResult(op, 's3:prefix', value, { values: { ...values, 'aws:username': 'alice' } })).toBe(
      expected,
    );
  });

  it('aws:PrincipalArn of an assumed role is the role ARN (derived from the caller when the context does not say)', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
    const doc = statementDoc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AppRole' } },
    });
    expect(evaluate(doc, request({ principal: roleSession('AppRole'), otherKeys: 'unknown' })).decision).toBe(
      'deny',
    );
    expect(evaluate(doc, request({ principal: roleSession('Other'), otherKeys: 'unknown' })).decision).toBe(
      'none',
    );
  });

  it('compileTemplate keeps malformed ${ as text', () => {
    expect(compileTemplate('a${b', true, false).value).toBe('a${b');
    expect(compileTemplate('a${}b', true, false).value).toBe('a${}b');
    expect(compileTemplate('${k, unquoted}', true, false).value).toBe('${k, unquoted}');
    expect(compileTemplate('${k}', true, false).parts).toHaveLength(1);
  });
});

describe('variable names that are Object.prototype members are ordinary keys', () => {
  it('${constructor} is a context key, not an escape', () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html (only ${*}, ${?}, ${$} are escapes)
    expect(
      conditionResult('StringEquals', 's3:prefix', '${constructor}', {
        values: { 's3:prefix': 'x', constructor: 'x' },
      }),
    ).toBe(true);
    expect(
      conditionResult('StringEquals', 's3:prefix', '${constructor}', { values: { 's3:prefix': 'x' } }),
    ).toBe(false);
  });
});
