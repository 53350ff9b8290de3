import { request as buildRequest } from '../../adapters/snapshot/request-builder';
import {
  attachChanges,
  attributeChange,
  explainChange,
  statementDiff,
  ALL_CHANGE_EVENT_NAMES,
} from '../../../lambdas/core/changes';
import {
  known,
  unknown,
  type AccessRequest,
  type ChangeRecord,
  type Finding,
  type RequestFacts,
  type RootCause,
} from '../../../lambdas/core/model';

const ACCOUNT = '111122223333';

const CALLER = {
  type: 'AssumedRole' as const,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AppRole/s1`,
  identityArn: `arn:aws:iam::${ACCOUNT}:role/AppRole`,
  accountId: ACCOUNT,
  sessionName: 's1',
  principalId: 'AROAEXAMPLE:s1',
};

function request(over: Partial<AccessRequest> = {}): AccessRequest {
  return buildRequest(CALLER, {
    bucket: 'corp-data',
    key: 'reports/q3.csv',
    bucketAccountId: ACCOUNT,
    ...over,
  });
}

function facts(changes: RequestFacts['recentChanges'], over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    principal: known({
      identityArn: `arn:aws:iam::${ACCOUNT}:role/AppRole`,
      accountId: ACCOUNT,
      kind: 'role',
      identityPolicies: [
        {
          name: 'AppRead',
          arn: `arn:aws:iam::${ACCOUNT}:policy/AppRead`,
          source: 'identity-managed',
          document: {},
        },
      ],
      permissionsBoundary: null,
      tags: {},
      groups: [],
    }),
    principalOrganization: known(null),
    resourceOrganization: known(null),
    buckets: {},
    accountPublicAccessBlock: {},
    scpLevels: known(null),
    rcpLevels: known(null),
    vpcEndpoint: null,
    accessPoint: null,
    kmsKeys: {},
    sessionPolicy: null,
    recentChanges: changes,
    ...over,
  };
}

function change(
  eventName: string,
  eventTime: string,
  requestParameters: Record<string, unknown>,
  who = `arn:aws:iam::${ACCOUNT}:user/bob`,
): ChangeRecord {
  return {
    eventId: `${eventName}-${eventTime}`,
    eventName,
    eventTime,
    username: who.split('/').pop() ?? null,
    resources: [],
    record: { eventName, eventTime, userIdentity: { arn: who }, requestParameters },
  };
}

function cause(id: RootCause['id'], statement?: string): RootCause {
  return {
    id,
    confidence: 'confirmed',
    title: 't',
    explanation: 'e',
    evidence: statement ? [{ layer: 'bucket-policy', statement, detail: 'd' }] : [],
    fix: { summary: 's', commands: [], verified: false },
    change: null,
  };
}

const allowAll = {
  Sid: 'AllowApp',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/AppRole` },
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::corp-data/*',
};
const denyIp = {
  Sid: 'DenyNonOfficeIPs',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: 'arn:aws:s3:::corp-data/*',
  Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
};

describe('attributeChange: which change started the denial (issue 9)', () => {
  it('blames the latest PutBucketPolicy on the denying bucket before the denial and diffs it against the previous one', () => {
    const changes = [
      change('PutBucketPolicy', '2026-11-18T09:00:00Z', {
        bucketName: 'corp-data',
        bucketPolicy: { Version: '2012-10-17', Statement: [allowAll] },
      }),
      change('PutBucketPolicy', '2026-11-20T08:12:31Z', {
        bucketName: 'corp-data',
        bucketPolicy: { Version: '2012-10-17', Statement: [allowAll, denyIp] },
      }),
    ];
    const c = attributeChange(
      cause('bucket-policy-explicit-deny', 'DenyNonOfficeIPs'),
      request(),
      facts(known(changes)),
      changes,
    );
    expect(c).not.toBeNull();
    expect(c?.eventName).toBe('PutBucketPolicy');
    expect(c?.eventTime).toBe('2026-11-20T08:12:31Z');
    expect(c?.principal).toBe(`arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(c?.summary).toMatch(
      /^started after arn:aws:iam::111122223333:user\/bob ran PutBucketPolicy on corp-data at 2026-11-20T08:12:31Z/,
    );
    // Exactly the added statement, nothing else.
    expect(c?.diff?.split('\n')).toEqual([`+ ${JSON.stringify(denyIp)}`]);
  });

  it('names the deciding statement in the policy a change set when no earlier version is in the window', () => {
    const changes = [
      change('PutBucketPolicy', '2026-11-20T08:00:00Z', {
        bucketName: 'corp-data',
        bucketPolicy: JSON.stringify({ Statement: [denyIp] }),
      }),
    ];
    const c = attributeChange(
      cause('bucket-policy-explicit-deny', 'DenyNonOfficeIPs'),
      request(),
      facts(known(changes)),
      changes,
    );
    expect(c?.summary).toContain('the policy it set contains "DenyNonOfficeIPs"');
  });

  it('does not blame a change that predates the window', () => {
    const changes = [
      change('PutBucketPolicy', '2026-10-01T08:00:00Z', {
        bucketName: 'corp-data',
        bucketPolicy: { Statement: [denyIp] },
      }),
    ];
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes),
    ).toBeNull();
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes, {
        windowDays: 60,
      }),
    ).not.toBeNull();
  });

  it('does not blame a change made after the denial', () => {
    const changes = [
      change('PutBucketPolicy', '2026-11-20T10:05:00Z', {
        bucketName: 'corp-data',
        bucketPolicy: { Statement: [denyIp] },
      }),
    ];
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes),
    ).toBeNull();
  });

  it('does not blame a change to another bucket, or a failed change', () => {
    const other = change('PutBucketPolicy', '2026-11-20T08:00:00Z', {
      bucketName: 'other-bucket',
      bucketPolicy: { Statement: [denyIp] },
    });
    const failedChange = {
      ...change('PutBucketPolicy', '2026-11-20T09:00:00Z', { bucketName: 'corp-data' }),
    };
    const failedRecord = { ...failedChange, record: { ...failedChange.record, errorCode: 'AccessDenied' } };
    const changes = [other, failedRecord];
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes),
    ).toBeNull();
  });

  it('does not blame a change whose event name is named like an Object.prototype member', () => {
    const changes = ['constructor', 'toString', '__proto__'].map((name) =>
      change(name, '2026-11-20T09:00:00Z', {
        bucketName: 'corp-data',
        bucketPolicy: { Statement: [denyIp] },
      }),
    );
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes),
    ).toBeNull();
  });

  it('does not blame a change to another layer (a role policy change for a bucket-policy deny)', () => {
    const changes = [
      change('PutRolePolicy', '2026-11-20T08:00:00Z', {
        roleName: 'AppRole',
        policyName: 'p',
        policyDocument: '{}',
      }),
    ];
    expect(
      attributeChange(cause('bucket-policy-explicit-deny'), request(), facts(known(changes)), changes),
    ).toBeNull();
    expect(
      attributeChange(cause('identity-policy-no-allow'), request(), facts(known(changes)), changes)
        ?.eventName,
    ).toBe('PutRolePolicy');
  });

  it('blames detaching a managed policy from the caller role, and a new version of an attached policy', () => {
    const detach = change('DetachRolePolicy', '2026-11-20T07:00:00Z', {
      roleName: 'AppRole',
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/Read`,
    });
    const version = change('CreatePolicyVersion', '2026-11-20T09:00:00Z', {
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/AppRead`,
      setAsDefault: true,
      policyDocument: JSON.stringify({ Statement: [] }),
    });
    const unrelatedVersion = change('CreatePolicyVersion', '2026-11-20T09:30:00Z', {
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/Unrelated`,
    });
    const changes = [detach, version, unrelatedVersion];
    const c = attributeChange(cause('identity-policy-no-allow'), request(), facts(known(changes)), changes);
    expect(c?.eventName).toBe('CreatePolicyVersion');
    expect(
      attributeChange(cause('identity-policy-no-allow'), request(), facts(known([detach])), [detach])
        ?.summary,
    ).toContain('it removed access');
  });

  it('matches a VPC endpoint change by endpoint id and a key policy change by key id', () => {
    const vpce = change('ModifyVpcEndpoint', '2026-11-20T08:00:00Z', {
      ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-0abc', PolicyDocument: '{"Statement":[]}' },
    });
    const key = change('PutKeyPolicy', '2026-11-20T08:00:00Z', {
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      policyName: 'default',
      policy: '{"Statement":[]}',
    });
    const req = request({
      vpcEndpointId: 'vpce-0abc',
      kms: {
        keyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        s3Arn: null,
      },
    });
    expect(attributeChange(cause('vpc-endpoint-policy'), req, facts(known([vpce])), [vpce])?.eventName).toBe(
      'ModifyVpcEndpoint',
    );
    expect(
      attributeChange(
        cause('vpc-endpoint-policy'),
        request({ vpcEndpointId: 'vpce-other' }),
        facts(known([vpce])),
        [vpce],
      ),
    ).toBeNull();
    expect(attributeChange(cause('kms-key-access'), req, facts(known([key])), [key])?.eventName).toBe(
      'PutKeyPolicy',
    );
  });

  it('tells SCP changes from RCP changes when the record says which', () => {
    const rcp = change('AttachPolicy', '2026-11-20T08:00:00Z', {
      policyId: 'p-1',
      targetId: 'ou-1',
      policyType: 'RESOURCE_CONTROL_POLICY',
    });
    expect(attributeChange(cause('scp-deny'), request(), facts(known([rcp])), [rcp])).toBeNull();
    expect(attributeChange(cause('rcp-deny'), request(), facts(known([rcp])), [rcp])?.eventName).toBe(
      'AttachPolicy',
    );
  });
});

describe('attachChanges', () => {
  const finding = { rootCauses: [cause('bucket-policy-explicit-deny')] } as unknown as Finding;

  it('records that the history was checked and fills change (null when nothing was found)', () => {
    const out = attachChanges(finding, request(), facts(known([])));
    expect(out.changeLookup).toEqual({ status: 'checked', windowDays: 7 });
    expect(out.rootCauses[0]?.change).toBeNull();
  });

  it('says the history is unknown instead of guessing when it could not be read', () => {
    const out = attachChanges(
      finding,
      request(),
      facts(unknown('accessDenied', 'not allowed', 'cloudtrail:LookupEvents')),
    );
    expect(out.changeLookup?.status).toBe('unknown');
    expect(out.changeLookup?.detail).toBe('not allowed');
  });
});

describe('statementDiff', () => {
  it('ignores key order and formatting and lists removed then added statements', () => {
    const before = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, denyIp] };
    const after = { Statement: [{ Resource: '*', Action: 's3:GetObject', Effect: 'Allow' }, allowAll] };
    expect(statementDiff(before, after).split('\n')).toEqual([
      `- ${JSON.stringify(denyIp)}`,
      `+ ${JSON.stringify(allowAll)}`,
    ]);
  });

  it('treats a single Statement object like a one-element list', () => {
    expect(statementDiff({ Statement: denyIp }, { Statement: [denyIp] })).toBe('');
  });
});

it('knows the management events the issue lists', () => {
  for (const name of [
    'PutBucketPolicy',
    'DeleteBucketPolicy',
    'PutPublicAccessBlock',
    'PutRolePolicy',
    'AttachRolePolicy',
    'DetachRolePolicy',
    'DeleteRolePolicy',
    'CreatePolicyVersion',
    'SetDefaultPolicyVersion',
    'PutRolePermissionsBoundary',
    'ModifyVpcEndpoint',
    'PutKeyPolicy',
    'RevokeGrant',
    'RetireGrant',
    'DisableKey',
    'PutBucketOwnershipControls',
    'PutBucketEncryption',
    'AttachPolicy',
    'DetachPolicy',
    'UpdatePolicy',
    'PutAccessPointPolicy',
  ]) {
    expect(ALL_CHANGE_EVENT_NAMES).toContain(name);
  }
});

describe('changeRecordFromLookupEvent (the LookupEvents / snapshot recentChanges shape)', () => {
  const { changeRecordFromLookupEvent } = jest.requireActual<typeof import('../../../lambdas/core/changes')>(
    '../../../lambdas/core/changes',
  );

  it('parses the CloudTrailEvent JSON string and the resources', () => {
    const c = changeRecordFromLookupEvent({
      EventId: 'ev-1',
      EventName: 'PutBucketPolicy',
      EventTime: new Date('2026-11-20T08:12:31Z'),
      Username: 'bob',
      Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'corp-data' }],
      CloudTrailEvent: JSON.stringify({ eventID: 'ev-1', requestParameters: { bucketName: 'corp-data' } }),
    });
    expect(c).toEqual({
      eventId: 'ev-1',
      eventName: 'PutBucketPolicy',
      eventTime: '2026-11-20T08:12:31.000Z',
      username: 'bob',
      resources: [{ type: 'AWS::S3::Bucket', name: 'corp-data' }],
      record: { eventID: 'ev-1', requestParameters: { bucketName: 'corp-data' } },
    });
  });

  it('keeps an entry whose CloudTrailEvent is not JSON, without the record, and rejects unusable entries', () => {
    expect(
      changeRecordFromLookupEvent({
        EventName: 'PutKeyPolicy',
        EventTime: '2026-11-20T08:00:00Z',
        CloudTrailEvent: '{oops',
      })?.record,
    ).toBeNull();
    expect(changeRecordFromLookupEvent({ EventName: 'PutKeyPolicy' })).toBeNull();
    expect(changeRecordFromLookupEvent('nope')).toBeNull();
    expect(changeRecordFromLookupEvent(null)).toBeNull();
  });
});

describe('changeLookupTargets: where the change history of each cause is recorded', () => {
  const { changeLookupTargets } = jest.requireActual<typeof import('../../../lambdas/core/changes')>(
    '../../../lambdas/core/changes',
  );
  const f = (ids: RootCause['id'][]) => ({ rootCauses: ids.map((id) => cause(id)) }) as unknown as Finding;

  it("searches a bucket's changes in the bucket's account and region", () => {
    expect(
      changeLookupTargets(
        f(['bucket-policy-explicit-deny']),
        request({ region: 'eu-west-1' }),
        facts(known([])),
      ),
    ).toEqual([{ name: 'corp-data', accountId: ACCOUNT, region: 'eu-west-1' }]);
  });

  it.each(['requester-pays', 'object-lock', 'sse-c-blocked', 'service-principal-grant'] as const)(
    "%s: its changes are the bucket's (PutBucketRequestPayment, Object Lock, PutBucketEncryption, the bucket policy), searched there",
    (id) => {
      expect(changeLookupTargets(f([id]), request({ region: 'eu-west-1' }), facts(known([])))).toEqual([
        { name: 'corp-data', accountId: ACCOUNT, region: 'eu-west-1' },
      ]);
    },
  );

  it('every cause some change can start is searched somewhere live, but the organization policies', () => {
    // SCP and RCP changes are recorded in the organization's management account, which this lookup does not search
    const { CHANGE_EVENTS } = jest.requireActual<typeof import('../../../lambdas/core/changes')>(
      '../../../lambdas/core/changes',
    );
    const through = request({
      vpcEndpointId: 'vpce-1',
      accessPointArn: `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/team-ap`,
    });
    const unsearched = (Object.keys(CHANGE_EVENTS) as RootCause['id'][]).filter(
      (id) =>
        Object.keys(CHANGE_EVENTS[id]).length > 0 &&
        changeLookupTargets(f([id]), through, facts(known([]))).length === 0,
    );
    expect(unsearched).toEqual(['scp-deny', 'rcp-deny']);
  });

  it("searches IAM changes in the caller's account, in us-east-1 where CloudTrail records global IAM events", () => {
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
    const caller = {
      ...request().principal,
      accountId: '444455556666',
      identityArn: 'arn:aws:iam::444455556666:role/AppRole',
    };
    expect(
      changeLookupTargets(
        f(['identity-policy-no-allow']),
        request({ region: 'eu-west-1', principal: caller }),
        facts(known([])),
      ),
    ).toEqual([
      { name: 'AppRole', accountId: '444455556666', region: 'us-east-1' },
      { name: `arn:aws:iam::${ACCOUNT}:policy/AppRead`, accountId: '444455556666', region: 'us-east-1' },
    ]);
  });

  it("a cause that rests on resource tags also searches that resource's history: the access point, else the bucket", () => {
    const AP = `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/team-ap`;
    const withTags = {
      rootCauses: [
        { ...cause('identity-policy-no-allow'), evidence: [{ layer: 'resource-tags', detail: 'd' }] },
      ],
    } as unknown as Finding;
    expect(changeLookupTargets(withTags, request({ accessPointArn: AP }), facts(known([])))).toContainEqual({
      name: AP,
      accountId: ACCOUNT,
      region: 'us-east-1',
    });
    expect(changeLookupTargets(withTags, request(), facts(known([])))).toContainEqual({
      name: 'corp-data',
      accountId: ACCOUNT,
      region: 'us-east-1',
    });
    expect(
      changeLookupTargets(f(['identity-policy-no-allow']), request(), facts(known([]))),
    ).not.toContainEqual(expect.objectContaining({ name: 'corp-data' }));
  });

  it('searches nothing for causes no change explains', () => {
    expect(changeLookupTargets(f(['request-expired-or-invalid']), request(), facts(known([])))).toEqual([]);
    expect(changeLookupTargets(f([]), request(), facts(known([])))).toEqual([]);
  });
});

describe('tag and ABAC changes: blamed only for a cause that rests on resource tags', () => {
  // With ABAC on, a bucket's tags change through S3 Control TagResource / UntagResource (API_PutBucketAbac.html);
  // an access point's tags, aws:ResourceTag of a request through it, too (access-points-tagging.html).
  const AP = `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/team-ap`;
  const tagged = (layer: 'resource-tags' | 'bucket-abac'): RootCause => ({
    ...cause('identity-policy-no-allow'),
    evidence: [{ layer, detail: 'd' }],
  });
  const untag = (arn: string): ChangeRecord => ({
    ...change('UntagResource', '2026-11-20T08:00:00Z', {
      accountId: ACCOUNT,
      resourceArn: arn,
      tagKeys: ['team'],
    }),
    resources: [{ type: 'AWS::S3::AccessPoint', name: arn }],
  });
  const abac = (status: string) =>
    change('PutBucketAbac', '2026-11-20T08:30:00Z', {
      bucketName: 'corp-data',
      AbacStatus: { Status: status },
    });

  it("UntagResource on the request's access point: may have started the tag cause; never a plain missing Allow", () => {
    const req = request({ accessPointArn: AP });
    const c = attributeChange(tagged('resource-tags'), req, facts(known([untag(AP)])), [untag(AP)]);
    expect(c?.summary).toBe(
      `may have started after arn:aws:iam::${ACCOUNT}:user/bob ran UntagResource on ${AP} at 2026-11-20T08:00:00Z`,
    );
    expect(attributeChange(cause('identity-policy-no-allow'), req, facts(known([])), [untag(AP)])).toBeNull();
    expect(
      attributeChange(tagged('resource-tags'), req, facts(known([])), [
        untag(`arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/other-ap`),
      ]),
    ).toBeNull();
  });

  it('PutBucketAbac Disabled started the "ABAC is disabled" cause; Enabled did not', () => {
    const off = attributeChange(tagged('bucket-abac'), request(), facts(known([])), [abac('Disabled')]);
    expect(off).toMatchObject({ eventName: 'PutBucketAbac', relation: 'setting' });
    expect(off?.summary).toContain('started after');
    expect(off?.summary).toContain('it disabled ABAC on the bucket');
    expect(attributeChange(tagged('bucket-abac'), request(), facts(known([])), [abac('Enabled')])).toBeNull();
    expect(
      attributeChange(tagged('resource-tags'), request(), facts(known([])), [abac('Disabled')]),
    ).toBeNull();
  });

  it('the live lookup asks CloudTrail for these events too', () => {
    for (const name of [
      'PutBucketAbac',
      'TagResource',
      'UntagResource',
      'PutBucketTagging',
      'DeleteBucketTagging',
    ])
      expect(ALL_CHANGE_EVENT_NAMES).toContain(name);
  });
});

describe('blocked SSE-C: the PutBucketEncryption that blocked it', () => {
  // BlockedEncryptionTypes is part of the bucket's encryption configuration, set by PutBucketEncryption
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_BlockedEncryptionTypes.html)
  const encryption = (types: string[] | null) =>
    change('PutBucketEncryption', '2026-11-20T08:30:00Z', {
      bucketName: 'corp-data',
      ServerSideEncryptionConfiguration: {
        Rule: {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
          ...(types ? { BlockedEncryptionTypes: { EncryptionType: types } } : {}),
        },
      },
    });

  it('blocking SSE-C started the cause (setting); allowing it did not; a record without the field may have', () => {
    const on = attributeChange(cause('sse-c-blocked'), request(), facts(known([])), [encryption(['SSE-C'])]);
    expect(on).toMatchObject({ eventName: 'PutBucketEncryption', relation: 'setting' });
    expect(on?.summary).toContain('started after');
    expect(
      attributeChange(cause('sse-c-blocked'), request(), facts(known([])), [encryption(['NONE'])]),
    ).toBeNull();
    expect(
      attributeChange(cause('sse-c-blocked'), request(), facts(known([])), [encryption(null)]),
    ).toMatchObject({ relation: 'unverified' });
  });
});

describe("blocked SSE-C with no recorded change: AWS's own April 2026 default is named", () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-s3-c-encryption-setting-faq.html
  it('the note says no change was found, then that AWS blocked SSE-C on new buckets without an event', () => {
    const v = explainChange(cause('sse-c-blocked'), request(), facts(known([])), []);
    expect(v.change).toBeNull();
    expect(v.note).toContain('no change to this layer was found in the last');
    expect(v.note).toContain('AWS itself blocked SSE-C from April 2026 on every new general purpose bucket');
    // other setting causes say nothing of it
    expect(explainChange(cause('requester-pays'), request(), facts(known([])), []).note).not.toContain(
      'April 2026',
    );
  });
});

describe('MFA delete: the PutBucketVersioning that enabled it', () => {
  // MFA delete is part of the bucket's versioning configuration, set by PutBucketVersioning
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html, MfaDelete)
  const versioning = (config: Record<string, string> | null) =>
    change('PutBucketVersioning', '2026-11-20T08:30:00Z', {
      bucketName: 'corp-data',
      ...(config ? { VersioningConfiguration: config } : {}),
    });

  it('enabling MFA delete started the cause (setting); leaving it off did not; a record without it may have', () => {
    const on = attributeChange(cause('mfa-delete'), request(), facts(known([])), [
      versioning({ Status: 'Enabled', MfaDelete: 'Enabled' }),
    ]);
    expect(on).toMatchObject({ eventName: 'PutBucketVersioning', relation: 'setting' });
    expect(
      attributeChange(cause('mfa-delete'), request(), facts(known([])), [
        versioning({ Status: 'Enabled', MfaDelete: 'Disabled' }),
      ]),
    ).toBeNull();
    expect(
      attributeChange(cause('mfa-delete'), request(), facts(known([])), [versioning(null)]),
    ).toMatchObject({ relation: 'unverified' });
  });
});
