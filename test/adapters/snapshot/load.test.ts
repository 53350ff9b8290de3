import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodePolicyDocument,
  formatJsonPath,
  loadSnapshot,
  SnapshotError,
} from '../../../lambdas/adapters/snapshot';

const FIXTURE = join(__dirname, '../../fixtures/snapshot/small.json');
const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};

function errorOf(text: string, source = 'snap.json'): SnapshotError {
  try {
    loadSnapshot(text, source);
  } catch (err) {
    if (err instanceof SnapshotError) return err;
    throw err;
  }
  throw new Error('expected a SnapshotError');
}

describe('decodePolicyDocument', () => {
  // SNAPSHOT.md: "Readers accept all three forms" (object, JSON string, URL-encoded JSON string as IAM returns it:
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
  it.each([
    ['a parsed object', doc],
    ['a JSON string', JSON.stringify(doc)],
    ['a URL-encoded JSON string', encodeURIComponent(JSON.stringify(doc))],
    ['a JSON string with leading whitespace', `\n  ${JSON.stringify(doc)}`],
  ])('accepts %s', (_name, input) => {
    expect(decodePolicyDocument(input)).toEqual({ ok: true, value: doc });
  });

  it.each([
    ['a number', 5, /got number/],
    ['an array', [doc], /got array/],
    ['a JSON string that is not an object', '["x"]', /neither/],
    ['broken JSON', '{"Version": ', /not valid JSON/],
    ['broken URL encoding', '%7B%E0%A4%A', /not valid URL-encoded/],
    ['a plain word', 'allow-all', /neither/],
    ['an object without Statement', { Version: '2012-10-17' }, /has no "Statement"/],
  ])('rejects %s with a reason', (_name, input, reason) => {
    const r = decodePolicyDocument(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(reason);
  });
});

describe('decodePolicyDocument with the AWS CLI wrapper', () => {
  it.each([
    ['get-bucket-policy output {"Policy": "<json>"}', { Policy: JSON.stringify(doc) }],
    ['a {"PolicyDocument": {...}} wrapper', { PolicyDocument: doc }],
  ])('unwraps %s', (_n, input) => {
    expect(decodePolicyDocument(input)).toEqual({ ok: true, value: doc });
  });
  it('unwraps one level only', () => {
    expect(decodePolicyDocument({ Policy: { Policy: doc } }).ok).toBe(false);
  });
});

describe('formatJsonPath', () => {
  it('writes object keys with dots and array indexes in brackets', () => {
    expect(formatJsonPath(['buckets', 'my-bucket', 'ownershipControls', 'Rules', 0, 'ObjectOwnership'])).toBe(
      'buckets.my-bucket.ownershipControls.Rules[0].ObjectOwnership',
    );
  });
  it('quotes keys that contain dots or spaces', () => {
    expect(formatJsonPath(['buckets', 'logs.example.com', 'policy'])).toBe(
      'buckets["logs.example.com"].policy',
    );
  });
  it('names the top level', () => {
    expect(formatJsonPath([])).toBe('(top level)');
  });
});

describe('loadSnapshot', () => {
  it('loads the fixture and decodes every policy form into objects', () => {
    const snap = loadSnapshot(readFileSync(FIXTURE, 'utf8'), 'small.json');
    const bucket = snap.buckets?.['my-bucket'];
    // the bucket policy is a JSON string in the file
    expect(bucket?.policy).toMatchObject({ Version: '2012-10-17' });
    // the managed policy version is URL-encoded in the file
    const version =
      snap.accounts?.['111122223333']?.authorizationDetails?.Policies?.[0]?.PolicyVersionList?.[0];
    expect((version?.Document as { Statement: { Sid: string }[] }).Statement[0]?.Sid).toBe('ReadReports');
    // list-targets-for-policy objects become ids
    expect(snap.organization?.serviceControlPolicies?.[1]?.Targets).toEqual(['ou-ab12-cdef3456']);
  });

  it('keeps unknown keys (tolerant reader)', () => {
    const snap = loadSnapshot(
      JSON.stringify({ snapshotVersion: 1, futureField: { a: 1 }, buckets: { b: { extra: true } } }),
      's.json',
    );
    expect((snap as Record<string, unknown>)['futureField']).toEqual({ a: 1 });
    expect((snap.buckets?.['b'] as Record<string, unknown>)['extra']).toBe(true);
  });

  it('accepts an empty object (everything unknown)', () => {
    expect(loadSnapshot('{}', 'empty.json')).toEqual({});
  });

  it('names the file and the JSON path of an invalid enum value', () => {
    const text = JSON.stringify({
      buckets: { 'my-bucket': { ownershipControls: { Rules: [{ ObjectOwnership: 'Enforced' }] } } },
    });
    const err = errorOf(text);
    expect(err.message).toBe(
      'snap.json: buckets.my-bucket.ownershipControls.Rules[0].ObjectOwnership: expected one of "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter", got "Enforced"',
    );
    expect(err.path).toBe('buckets.my-bucket.ownershipControls.Rules[0].ObjectOwnership');
  });

  it.each([
    [{ snapshotVersion: 2 }, 'snap.json: snapshotVersion: expected 1, got 2'],
    [
      { accounts: { '111122223333': { publicAccessBlock: { BlockPublicAcls: 'yes' } } } },
      'snap.json: accounts.111122223333.publicAccessBlock.BlockPublicAcls: expected boolean, got "yes"',
    ],
    [
      { buckets: { b: { policy: 'not json' } } },
      'snap.json: buckets.b.policy: expected a policy document (object, JSON string or URL-encoded JSON string), got a string that is neither',
    ],
    [
      { buckets: { b: { policy: '{"Statement": [' } } },
      /^snap\.json: buckets\.b\.policy: policy document is not valid JSON/,
    ],
    [
      { accounts: { a: { authorizationDetails: { RoleDetailList: [{ RoleName: 'x' }] } } } },
      'snap.json: accounts.a.authorizationDetails.RoleDetailList[0].Arn: required string is missing',
    ],
    [{ buckets: [] }, 'snap.json: buckets: expected object, got an array'],
    [
      { vpcEndpoints: { 'vpce-1': { Region: 'us-east-1; rm -rf /' } } },
      /^snap\.json: vpcEndpoints\.vpce-1\.Region: expected a Region name such as us-east-1/,
    ],
    [
      { organization: { serviceControlPolicies: [{ Targets: [5], Content: {} }] } },
      /^snap\.json: organization\.serviceControlPolicies\[0\]\.Targets\[0\]: /,
    ],
  ])('reports the first problem of %j on one line', (input, expected) => {
    const err = errorOf(JSON.stringify(input));
    expect(err.message).not.toContain('\n');
    if (typeof expected === 'string') expect(err.message).toBe(expected);
    else expect(err.message).toMatch(expected);
  });

  it('says when the file is not JSON', () => {
    expect(errorOf('{"buckets":', 'bad.json').message).toMatch(/^bad\.json: not valid JSON \(/);
  });

  it('says when the top level is not an object', () => {
    expect(errorOf('[1,2]', 'arr.json').message).toBe(
      'arr.json: a snapshot must be a JSON object, got an array',
    );
  });

  it('accepts a byte-order mark', () => {
    expect(loadSnapshot('\uFEFF{"snapshotVersion":1}', 'bom.json')).toEqual({ snapshotVersion: 1 });
  });
});
