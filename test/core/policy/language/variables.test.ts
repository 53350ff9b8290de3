/**
 * Policy variables.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * Version: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
 * ("you cannot use features such as policy variables that were introduced with this version": without
 * "2012-10-17" a variable is literal text).
 */
import { compileTemplate, lowerKey } from '../../../../lambdas/core/policy/variables';
import type { EnginePrincipal, EngineRequest } from '../../../../lambdas/core/policy/types';
import {
  ACCT,
  OTHER,
  anonymous,
  conditionResult,
  evaluate,
  iamUser,
  request,
  roleSession,
  rootUser,
  service,
  statementDoc,
} from './helpers';

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

describe('how a variable is written (reference_policies_variables.html)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html: "${key}", a default value
  // "${key, 'default'}" (spaces around the comma are allowed), and the escapes ${*}, ${?}, ${$}.
  const eq = (policyValue: string, requestValue: string, values: Record<string, string> = {}) =>
    conditionResult('StringEquals', 's3:prefix', policyValue, {
      values: { 's3:prefix': requestValue, ...values },
    });

  it('spaces inside the braces, around the key and the default, are allowed', () => {
    expect(eq('${ aws:username }', 'alice', { 'aws:username': 'alice' })).toBe(true);
    expect(eq("${ aws:PrincipalTag/team , 'none' }", 'none')).toBe(true);
    expect(eq("${aws:PrincipalTag/team,'none'}", 'none')).toBe(true);
    expect(eq("${aws:username , 'none'}", 'alice', { 'aws:username': 'alice' })).toBe(true);
  });

  it("an empty default '' gives the empty text", () => {
    expect(eq("a${aws:PrincipalTag/team, ''}b", 'ab')).toBe(true);
  });

  it('a default is used only when the key is absent, not when the request has a value', () => {
    expect(eq("${aws:PrincipalTag/team, 'none'}", 'red', { 'aws:PrincipalTag/team': 'red' })).toBe(true);
    expect(eq("${aws:PrincipalTag/team, 'none'}", 'none', { 'aws:PrincipalTag/team': 'red' })).toBe(false);
  });

  it('a default that is not quoted, half quoted or missing leaves the text literal', () => {
    for (const text of ["${k, 'd}", "${k, d'}", "${k, '}", '${k, }', "${, 'd'}", '${ }']) {
      expect([text, eq(text, text, { k: 'v' })]).toEqual([text, true]);
    }
  });

  it('several variables in one value, literal text between and after them', () => {
    const values = { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'red' };
    expect(eq('${aws:PrincipalTag/team}-${aws:username}.x', 'red-alice.x', values)).toBe(true);
    expect(eq('${aws:PrincipalTag/team}${aws:username}', 'redalice', values)).toBe(true);
    expect(eq('pre${aws:username}', 'prealice', values)).toBe(true);
    expect(eq('pre${aws:username}', 'alice', values)).toBe(false);
  });

  it('an escape beside a variable: ${*} stays a literal "*"', () => {
    expect(
      conditionResult('StringLike', 's3:prefix', '${aws:username}${*}', {
        values: { 's3:prefix': 'alice*', 'aws:username': 'alice' },
      }),
    ).toBe(true);
    expect(
      conditionResult('StringLike', 's3:prefix', '${aws:username}${*}', {
        values: { 's3:prefix': 'alicex', 'aws:username': 'alice' },
      }),
    ).toBe(false);
  });

  it('a "${" without a closing brace keeps the rest literal, after a variable too', () => {
    const values = { 'aws:username': 'alice' };
    expect(eq('${aws:username}/${oops', 'alice/${oops', values)).toBe(true);
    expect(eq('${oops ${aws:username}', '${oops alice', values)).toBe(false);
  });

  it('the escapes are literal in a Resource: ${*} matches only a "*" character', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${*}${?}' },
    };
    expect(evaluate(doc, request({ resource: 'arn:aws:s3:::b/*?' })).decision).toBe('allow');
    expect(evaluate(doc, request({ resource: 'arn:aws:s3:::b/xy' })).decision).toBe('none');
  });

  it("wildcards in a Resource's literal text stay wildcards next to a variable", () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/?${aws:username}/*' },
    };
    const alice = (resource: string) => request({ principal: iamUser('alice'), resource });
    expect(evaluate(doc, alice('arn:aws:s3:::b/xalice/k')).decision).toBe('allow');
    expect(evaluate(doc, alice('arn:aws:s3:::b/alice/k')).decision).toBe('none');
  });

  it('compileTemplate without wildcards keeps "*" as text; with them it becomes a wildcard', () => {
    expect(compileTemplate('a*${k}', true, false).parts?.[0]).toBe('a*');
    expect(compileTemplate('a*${k}', true, true).parts?.[0]).not.toBe('a*');
    expect(compileTemplate('${k}', true, false).parts?.[0]).toEqual({
      key: 'k',
      defaultValue: null,
    });
    expect(compileTemplate("${K, 'D'}", true, false).parts?.[0]).toEqual({
      key: 'k',
      defaultValue: 'D',
    });
    expect(compileTemplate('x${*}', true, false)).toEqual({ text: 'x${*}', value: 'x*', parts: null });
  });
});

describe('variables whose key has no single value (reference_policies_variables.html)', () => {
  it('a key the request does not tell about: the default does not apply, the value stays unknown', () => {
    expect(
      conditionResult('StringEquals', 's3:prefix', "${aws:PrincipalTag/team, 'none'}", {
        values: { 's3:prefix': 'none' },
        otherKeys: 'unknown',
      }),
    ).toBe('unknown');
  });

  it('an absent key decides even when another variable of the value is unknown: no value, no match', () => {
    expect(
      conditionResult('StringEquals', 's3:prefix', '${aws:PrincipalTag/a}${aws:PrincipalTag/b}', {
        values: { 's3:prefix': 'x' },
        absent: ['aws:PrincipalTag/b'],
        otherKeys: 'unknown',
      }),
    ).toBe(false);
  });

  it('a multivalued key cannot be a variable: it gives no value', () => {
    expect(
      conditionResult('StringEquals', 's3:prefix', '${aws:PrincipalTag/t}', {
        values: { 's3:prefix': 'a', 'aws:PrincipalTag/t': ['a', 'b'] },
      }),
    ).toBe(false);
    expect(
      conditionResult('StringEquals', 's3:prefix', '${aws:PrincipalTag/t}', {
        values: { 's3:prefix': 'a', 'aws:PrincipalTag/t': ['a'] },
      }),
    ).toBe(true);
  });

  it('a key recorded with an empty list is absent', () => {
    expect(
      conditionResult('Null', 'aws:PrincipalTag/t', 'true', {
        values: { 'aws:PrincipalTag/t': [] },
        otherKeys: 'unknown',
      }),
    ).toBe(true);
  });
});

describe('context keys the engine derives from the caller (reference_policies_condition-keys.html)', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html: aws:PrincipalArn,
  // aws:PrincipalAccount, aws:username (IAM users only), aws:PrincipalServiceName, aws:ResourceAccount; anonymous
  // callers have no principal keys.
  const keyValue = (key: string, principal: EnginePrincipal, otherKeys: 'unknown' | 'absent' = 'unknown') => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringLike: { [key]: '*' } },
    });
    const req = { ...request({ principal, otherKeys }), resourceAccountId: null as string | null };
    const ev = evaluate(doc, req);
    const c = ev.statements[0]?.conditions[0];
    return { result: c?.result, detail: c?.detail ?? '' };
  };

  it('aws:username is the last part of the user ARN, after its path', () => {
    const pathUser: EnginePrincipal = {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/division/team/alice',
      identityArn: 'arn:aws:iam::111122223333:user/division/team/alice',
      accountId: '111122223333',
    };
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:username': 'alice' } },
    });
    expect(evaluate(doc, request({ principal: pathUser, otherKeys: 'unknown' })).decision).toBe('allow');
  });

  it('aws:username is absent for role sessions, root and anonymous callers, unknown for a caller of unknown type', () => {
    expect(keyValue('aws:username', roleSession()).result).toBe(false);
    expect(keyValue('aws:username', rootUser()).result).toBe(false);
    expect(keyValue('aws:username', anonymous).result).toBe(false);
    const unknownType: EnginePrincipal = { type: 'Unknown', arn: null, identityArn: null, accountId: null };
    expect(keyValue('aws:username', unknownType).result).toBe('unknown');
    const account: EnginePrincipal = { type: 'AWSAccount', arn: null, identityArn: null, accountId: ACCT };
    expect(keyValue('aws:username', account).result).toBe('unknown');
    const userNoArn: EnginePrincipal = { type: 'IAMUser', arn: null, identityArn: null, accountId: ACCT };
    expect(keyValue('aws:username', userNoArn).result).toBe(false);
  });

  it("aws:PrincipalArn and aws:PrincipalAccount: the caller's; absent for anonymous callers; unknown when the record lacks them", () => {
    expect(keyValue('aws:PrincipalArn', roleSession()).result).toBe(true);
    expect(keyValue('aws:PrincipalArn', anonymous).result).toBe(false);
    expect(keyValue('aws:PrincipalArn', { ...roleSession(), identityArn: null }).result).toBe('unknown');
    expect(keyValue('aws:PrincipalAccount', roleSession()).result).toBe(true);
    expect(keyValue('aws:PrincipalAccount', anonymous).result).toBe(false);
    expect(keyValue('aws:PrincipalAccount', { ...roleSession(), accountId: null }).result).toBe('unknown');
  });

  it('aws:PrincipalAccount is not the account of a service principal; aws:PrincipalServiceName is its name', () => {
    const svc: EnginePrincipal = { ...service('cloudtrail.amazonaws.com'), accountId: ACCT };
    expect(keyValue('aws:PrincipalAccount', svc).result).toBe('unknown');
    expect(keyValue('aws:PrincipalAccount', svc, 'absent').result).toBe(false);
    expect(
      evaluate(
        statementDoc({
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com' } },
        }),
        request({ principal: svc, otherKeys: 'unknown' }),
      ).decision,
    ).toBe('allow');
    expect(keyValue('aws:PrincipalServiceName', service('')).result).toBe('unknown');
    expect(keyValue('aws:PrincipalServiceName', iamUser()).result).toBe('unknown');
  });

  it('aws:ResourceAccount and s3:ResourceAccount are the account that owns the resource, when known', () => {
    const doc = (key: string) =>
      statementDoc({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { [key]: ACCT } },
      });
    for (const key of ['aws:ResourceAccount', 's3:ResourceAccount']) {
      expect(evaluate(doc(key), request({ otherKeys: 'unknown' })).decision).toBe('allow');
      expect(
        evaluate(doc(key), { ...request({ otherKeys: 'unknown' }), resourceAccountId: OTHER }).decision,
      ).toBe('none');
      expect(keyValue(key, iamUser()).result).toBe('unknown');
      expect(keyValue(key, iamUser(), 'absent').result).toBe(false);
    }
  });

  it('what the request states wins over what the engine would derive', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } },
    });
    expect(evaluate(doc, request({ values: { 'aws:PrincipalAccount': OTHER } })).decision).toBe('allow');
    expect(evaluate(doc, request({ absent: ['aws:PrincipalAccount'], otherKeys: 'unknown' })).decision).toBe(
      'none',
    );
  });

  it('a key listed as unknown is unknown even when other keys are absent', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgPaths': 'o-a/r-b/' } },
    });
    const req = request();
    expect(
      evaluate(doc, { ...req, context: { ...req.context, unknown: ['AWS:PrincipalOrgPaths'] } }).decision,
    ).toBe('unknown');
    expect(evaluate(doc, { ...req, context: { ...req.context, unknown: [] } }).decision).toBe('none');
  });
});

describe('context values as the record gives them', () => {
  // condition keys are not case-sensitive: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
  const doc = (key: string, value: string) =>
    statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { [key]: value } },
    });
  const withContext = (context: Record<string, unknown>) => {
    const req = request();
    return { ...req, context: { ...req.context, ...context } } as EngineRequest;
  };

  it('context key names are matched whatever their case in the record', () => {
    expect(evaluate(doc('s3:prefix', 'a'), withContext({ values: { 'S3:PREFIX': 'a' } })).decision).toBe(
      'allow',
    );
    expect(
      evaluate(doc('s3:prefix', 'a'), withContext({ absent: ['S3:Prefix'], otherKeys: 'unknown' })).decision,
    ).toBe('none');
  });

  it('numbers and booleans inside a list are read as text; other values in the list are left out', () => {
    const ctx = withContext({ values: { 'aws:TagKeys': [1, true, { x: 1 }, null, 'k'] } });
    const anyOf = (v: string) =>
      evaluate(
        statementDoc({
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': v } },
        }),
        ctx,
      ).decision;
    expect(anyOf('1')).toBe('allow');
    expect(anyOf('true')).toBe('allow');
    expect(anyOf('k')).toBe('allow');
    expect(anyOf('[object Object]')).toBe('none');
    expect(anyOf('null')).toBe('none');
  });

  it('a boolean value is read as its text', () => {
    expect(
      evaluate(doc('aws:SecureTransport', 'true'), withContext({ values: { 'aws:SecureTransport': true } }))
        .decision,
    ).toBe('allow');
  });

  it('a non-text entry of the absent list is ignored', () => {
    expect(
      evaluate(doc('s3:prefix', 'a'), withContext({ absent: [5, 's3:delimiter'], otherKeys: 'unknown' }))
        .decision,
    ).toBe('unknown');
    expect(
      evaluate(doc('s3:prefix', 'a'), withContext({ absent: [5], values: { 's3:prefix': 'a' } })).decision,
    ).toBe('allow');
  });

  it('a context value that is neither text, number, boolean nor list is left out', () => {
    expect(
      evaluate(doc('s3:prefix', 'a'), withContext({ values: { 's3:prefix': { a: 1 } }, otherKeys: 'absent' }))
        .decision,
    ).toBe('none');
    expect(
      evaluate(doc('s3:prefix', 'a'), withContext({ values: { 's3:prefix': null }, otherKeys: 'absent' }))
        .decision,
    ).toBe('none');
  });
});

describe('values the record implies (ConditionContext.inferred, read only when the request asks with useInferred)', () => {
  const inferredValue = (value: string | string[]) => ({
    value,
    confidence: 'likely' as const,
    reason: 'r',
    from: [],
  });
  const denyHttp = statementDoc({
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
  const withInferred = (
    inferred: Record<string, ReturnType<typeof inferredValue>>,
    useInferred: boolean,
    values: Record<string, string> = {},
  ): EngineRequest => {
    const req = request({ values, otherKeys: 'unknown' });
    return { ...req, context: { ...req.context, inferred }, ...(useInferred ? { useInferred: true } : {}) };
  };

  it('without useInferred an inferred value is not read: the key stays unknown', () => {
    const ev = evaluate(denyHttp, withInferred({ 'aws:SecureTransport': inferredValue('false') }, false));
    expect(ev.decision).toBe('unknown');
    expect(ev.statements[0]?.conditions[0]?.inferred).toBeUndefined();
  });

  it('with useInferred the inferred value decides, and the trace says the decision rests on it', () => {
    const ev = evaluate(denyHttp, withInferred({ 'AWS:SecureTransport': inferredValue('false') }, true));
    expect(ev.decision).toBe('deny');
    expect(ev.statements[0]?.dependsOnInferred).toBe(true);
    expect(ev.statements[0]?.conditions[0]?.inferred).toBe(true);
    expect(ev.statements[0]?.conditions[0]?.detail).toContain('(with an inferred value');
  });

  it('a recorded value wins over an inferred one, and is not marked inferred', () => {
    const ev = evaluate(
      denyHttp,
      withInferred({ 'aws:SecureTransport': inferredValue('false') }, true, {
        'aws:SecureTransport': 'true',
      }),
    );
    expect(ev.decision).toBe('none');
    expect(ev.statements[0]?.conditions[0]?.inferred).toBeUndefined();
    expect(ev.statements[0]?.dependsOnInferred).toBeUndefined();
  });

  it('an inferred list of values is read as a multivalued key; an empty inferred list is a likely absence', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'b' } },
    });
    expect(evaluate(doc, withInferred({ 'aws:TagKeys': inferredValue(['a', 'b']) }, true)).decision).toBe(
      'allow',
    );
    // ForAnyValue over an absent key is false (reference_policies_condition-single-vs-multi-valued-context-keys.html)
    const absent = evaluate(doc, withInferred({ 'aws:TagKeys': inferredValue([]) }, true));
    expect(absent.decision).toBe('none');
    expect(absent.statements[0]?.conditions[0]?.inferred).toBe(true);
    // a list of nothing but non-text items is no value at all: the key stays unknown
    const junk = { ...inferredValue([]), value: [{}] as unknown as string[] };
    expect(evaluate(doc, withInferred({ 'aws:TagKeys': junk }, true)).decision).toBe('unknown');
    // and without useInferred a likely absence is not read either
    expect(evaluate(doc, withInferred({ 'aws:TagKeys': inferredValue([]) }, false)).decision).toBe('unknown');
  });

  it('several inferred keys are all read; entries without a value and non-text list items are left out', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalTag/a': 'x' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': '[object Object]' },
      },
    });
    const inferred = {
      'aws:PrincipalTag/a': inferredValue('x'),
      'aws:TagKeys': { ...inferredValue(['k']), value: [{}, 'k'] as unknown as string[] },
      'aws:Other': null as unknown as ReturnType<typeof inferredValue>,
    };
    expect(evaluate(doc, withInferred(inferred, true)).decision).toBe('none');
    const both = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/a': 'x', 'aws:PrincipalTag/b': 'y' } },
    });
    const two = { 'aws:PrincipalTag/a': inferredValue('x'), 'aws:PrincipalTag/b': inferredValue('y') };
    expect(evaluate(both, withInferred(two, true)).decision).toBe('allow');
  });

  it('a key the record neither states nor implies is not marked inferred', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    });
    const ev = evaluate(doc, withInferred({ 'aws:SecureTransport': inferredValue('false') }, true));
    expect(ev.statements[0]?.conditions[0]?.result).toBe('unknown');
    expect(ev.statements[0]?.conditions[0]?.inferred).toBeUndefined();
  });

  it('an inferred value fills a policy variable, and the condition is marked inferred', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 's3:prefix': '${aws:PrincipalTag/team}' } },
    });
    const ev = evaluate(
      doc,
      withInferred({ 'aws:PrincipalTag/team': inferredValue('red') }, true, { 's3:prefix': 'red' }),
    );
    expect(ev.decision).toBe('allow');
    expect(ev.statements[0]?.conditions[0]?.inferred).toBe(true);
  });
});

describe('condition keys are matched case-insensitively (reference_policies_condition-keys.html: "Condition key names are not case-sensitive")', () => {
  it('lowerKey gives the lower-cased key, whatever its text, and again past the bound of its cache', () => {
    const keys = [
      'aws:SourceIp',
      'S3:Prefix',
      'aws:PrincipalTag/Team',
      '__proto__',
      'constructor',
      'ÄWS:Ünicode',
      '',
    ];
    for (const k of keys) expect(lowerKey(k)).toBe(k.toLowerCase());
    for (let n = 0; n < 5000; n++) expect(lowerKey(`aws:RequestTag/Key${n}`)).toBe(`aws:requesttag/key${n}`);
    for (const k of keys) expect(lowerKey(k)).toBe(k.toLowerCase());
  });

  it('a request key written in any case meets the policy key written in another', () => {
    const doc = statementDoc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEquals: { 'AWS:SOURCEVPCE': 'vpce-1' } },
    });
    const r = (key: string): EngineRequest => request({ values: { [key]: 'vpce-1' } });
    for (const key of ['aws:SourceVpce', 'aws:sourcevpce', 'AWS:SourceVPCE'])
      expect(evaluate(doc, r(key)).decision).toBe('allow');
  });
});
