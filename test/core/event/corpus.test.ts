/**
 * Every record of the shared corpus (test/fixtures/corpus/cloudtrail, provenance in test/fixtures/corpus/SOURCES.md)
 * parses; for each: whether it is a denial, and the principal, bucket, key and IAM actions reconstructed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDenial, readDenials, readRecords, toAccessRequest } from '../../../lambdas/core/event';
import type { PrincipalType } from '../../../lambdas/core/model';
import { CORPUS_DIR } from '../../fixtures/corpus';

const CORPUS = CORPUS_DIR;

interface Expected {
  denial: boolean;
  type: PrincipalType;
  identityArn: string | null;
  bucket: string | null;
  key: string | null;
  actions: string[];
}

const IAM_TESTUSER = 'arn:aws:iam::111111111111:user/testuser';
const CONFIG_ROLE = (account: string) =>
  `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
const MORDOR_ROLE = 'arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0';
const MORDOR_BUCKET = 'mordors3stack-s3bucket-llp2yingx64a';
const DOC_USER = 'arn:aws:iam::111122223333:user/myUserName';

const EXPECTED: Record<string, Expected> = {
  // --- the 11 denials (all Panther fixtures, see SOURCES.md) ---------------------------------------------
  // DeleteBucketEncryption is authorized by s3:PutEncryptionConfiguration.
  'panther_deletebucketencryption_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'sensitive-data-bucket',
    key: null,
    actions: ['s3:PutEncryptionConfiguration'],
  },
  'panther_deletebucketpublicaccessblock_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    // requestParameters.host names another (sanitised) bucket; bucketName is authoritative.
    bucket: 'corporate-documents',
    key: null,
    actions: ['s3:PutBucketPublicAccessBlock'],
  },
  'panther_deletebucketreplication_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'production-backup-bucket',
    key: null,
    actions: ['s3:PutReplicationConfiguration'],
  },
  // Type IAMUser but only a role-session principalId and no ARN: the identity is not derivable.
  'panther_getobject_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: null,
    bucket: 'example-bucket',
    key: 'sensitive-file.txt',
    actions: ['s3:GetObject'],
  },
  'panther_getobject_vpceaccessdenied_awsaccount_networkactivity.json': {
    denial: true,
    type: 'AWSAccount',
    identityArn: null,
    bucket: 'example-bucket',
    key: 'sensitive-file.txt',
    actions: ['s3:GetObject'],
  },
  'panther_putbucketacl_accessdenied_assumedrole.json': {
    denial: true,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::123456789012:role/tester',
    bucket: 'bucket',
    key: null,
    actions: ['s3:PutBucketAcl'],
  },
  'panther_putbucketlogging_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'critical-data-bucket',
    key: null,
    actions: ['s3:PutBucketLogging'],
  },
  'panther_putbucketlogging_accessdenied_iamuser_2.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'critical-data-bucket',
    key: null,
    actions: ['s3:PutBucketLogging'],
  },
  'panther_putbucketpolicy_accessdenied_assumedrole_vpce.json': {
    denial: true,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::123456789012:role/example-role',
    bucket: 'example-bucket',
    key: null,
    actions: ['s3:PutBucketPolicy'],
  },
  'panther_putbucketversioning_mfadelete_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'critical-data-bucket',
    key: null,
    actions: ['s3:PutBucketVersioning'],
  },
  'panther_putbucketversioning_suspend_accessdenied_iamuser.json': {
    denial: true,
    type: 'IAMUser',
    identityArn: IAM_TESTUSER,
    bucket: 'important-files-bucket',
    key: null,
    actions: ['s3:PutBucketVersioning'],
  },
  // --- records that are not denials (skipped by readDenials, still reconstructed) -------------------------
  'awsdocs_iamug_deletebucket_assumedrole.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::777788889999:role/AssumeNothing',
    bucket: 'my-test-bucket-cross-account',
    key: null,
    actions: ['s3:DeleteBucket'],
  },
  'awsdocs_s3dg_deletebucketpolicy_iamuser.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: 'arn:aws:iam::111122223333:user/myUserName',
    bucket: 'myawsbucket',
    key: null,
    actions: ['s3:DeleteBucketPolicy'],
  },
  // An "AWS Service Event via CloudTrail" with no userIdentity.type and an event name outside the table.
  'awsdocs_s3ug_eventbridge_batchops_jobcreated_servicevent.json': {
    denial: false,
    type: 'Unknown',
    identityArn: null,
    bucket: null,
    key: null,
    actions: [],
  },
  'awsdocs_s3ug_getbucketversioning_iamuser.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: DOC_USER,
    bucket: 'DOC-EXAMPLE-BUCKET1',
    key: null,
    actions: ['s3:GetBucketVersioning'],
  },
  'awsdocs_s3ug_listbuckets_iamuser_sigv2_querystring.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: DOC_USER,
    bucket: null,
    key: null,
    actions: ['s3:ListAllMyBuckets'],
  },
  'awsdocs_s3ug_outposts_putobject_iamuser.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: 'arn:aws:iam::111122223333:user/yourUserName',
    bucket: 'DOC-EXAMPLE-BUCKET1',
    key: 'path/upload.sh',
    actions: ['s3-outposts:PutObject'],
  },
  // The published example has bucketName "".
  'awsdocs_s3ug_putbucketacl_iamuser.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: DOC_USER,
    bucket: null,
    key: null,
    actions: ['s3:PutBucketAcl'],
  },
  'custodian_eventbridge_createbucket_assumedrole.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::101010101111:role/Sandbox_Dev',
    bucket: 'cwe-test',
    key: null,
    actions: ['s3:CreateBucket'],
  },
  'custodian_eventbridge_createbucket_root.json': {
    denial: false,
    type: 'Root',
    identityArn: 'arn:aws:iam::619193117841:root',
    bucket: 'custodian-create-bucket-v4',
    key: null,
    actions: ['s3:CreateBucket'],
  },
  'opensearch_getbucketacl_awsservice_cloudtrail.json': {
    denial: false,
    type: 'AWSService',
    identityArn: null,
    bucket: 'aws-cloudtrail-mytrail-345678901234-059ac1d5',
    key: null,
    actions: ['s3:GetBucketAcl'],
  },
  'opensearch_getbucketencryption_ssenotfound_assumedrole_vpce.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: CONFIG_ROLE('347283850106'),
    bucket: 'aws-athena-query-results-eu-west-1-347283850106',
    key: null,
    actions: ['s3:GetEncryptionConfiguration'],
  },
  'opensearch_getbucketlocation_assumedrole_vpce.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: CONFIG_ROLE('345678901234'),
    bucket: 'aiden-dev-bucket-eu-west-1',
    key: null,
    actions: ['s3:GetBucketLocation'],
  },
  'opensearch_getbucketpolicy_nosuchbucketpolicy_assumedrole_vpce.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: CONFIG_ROLE('347283850106'),
    bucket: 'aiden-dev-bucket-eu-west-1',
    key: null,
    actions: ['s3:GetBucketPolicy'],
  },
  'opensearch_getbucketpublicaccessblock_nosuchpabconfig_assumedrole_vpce.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: CONFIG_ROLE('347283850106'),
    bucket: 'aws-codestar-eu-west-1-347283850106-ttt-pipe',
    key: null,
    actions: ['s3:GetBucketPublicAccessBlock'],
  },
  'otrf_getobject_assumedrole_ec2instance_stolencreds.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: MORDOR_ROLE,
    bucket: MORDOR_BUCKET,
    key: 'ring.txt',
    actions: ['s3:GetObject'],
  },
  'otrf_listbuckets_assumedrole_ec2instance_stolencreds.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: MORDOR_ROLE,
    bucket: null,
    key: null,
    actions: ['s3:ListAllMyBuckets'],
  },
  // ListObjectsV2, recorded as ListObjects with "list-type": "2".
  'otrf_listobjects_assumedrole_ec2instance_stolencreds.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: MORDOR_ROLE,
    bucket: MORDOR_BUCKET,
    key: null,
    actions: ['s3:ListBucket'],
  },
  // In-place copy: read of the source and write of the destination, same object.
  'panther_copyobject_assumedrole_crossaccount_kms_success.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::111111111111:role/sample-role-elastic-rhodes',
    bucket: 'victim-data-bucket',
    key: 'important-file.txt',
    actions: ['s3:GetObject', 's3:PutObject'],
  },
  // errorCode "" (empty) is not a denial.
  'panther_deletebucket_assumedrole_vpce_success.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::123456789012:role/BucketAdministrator',
    bucket: 'secrets',
    key: null,
    actions: ['s3:DeleteBucket'],
  },
  'panther_deleteobject_iamuser_vpce_success.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: 'arn:aws:iam::123456789012:user/Alice',
    bucket: 'example-bucket',
    key: 'example-object',
    actions: ['s3:DeleteObject'],
  },
  // NoSuchLifecycleConfiguration is a 404, not an authorization failure.
  'panther_getbucketlifecycle_nosuchlifecycleconfiguration_assumedrole.json': {
    denial: false,
    type: 'AssumedRole',
    identityArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/us-west-2/SampleRole',
    bucket: 'sample-cloudtrail-bucket-name',
    key: null,
    actions: ['s3:GetLifecycleConfiguration'],
  },
  'panther_getobject_vpce_awsaccount_crossaccount_success.json': {
    denial: false,
    type: 'AWSAccount',
    identityArn: null,
    bucket: 'example-bucket',
    key: 'sensitive-file.txt',
    actions: ['s3:GetObject'],
  },
  'panther_getobject_vpce_networkactivity_noerror.json': {
    denial: false,
    type: 'IAMUser',
    identityArn: null,
    bucket: 'example-bucket',
    key: 'sensitive-file.txt',
    actions: ['s3:GetObject'],
  },
};

const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
const read = (file: string) => readFileSync(join(CORPUS, file));

describe('the shared CloudTrail corpus', () => {
  it('has an expectation for every file, and every expectation names a file', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(files).toHaveLength(34);
  });

  it.each(files)('%s parses to exactly one record with the expected reconstruction', (file) => {
    const expected = EXPECTED[file]!;
    const records = readRecords(read(file), file);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(isDenial(record)).toBe(expected.denial);
    const request = toAccessRequest(record);
    expect({
      type: request.principal.type,
      identityArn: request.principal.identityArn,
      bucket: request.bucket,
      key: request.key,
      actions: request.actions,
    }).toEqual({
      type: expected.type,
      identityArn: expected.identityArn,
      bucket: expected.bucket,
      key: expected.key,
      actions: expected.actions,
    });
    expect(request.raw).toBe(record);
  });

  it.each(files)('%s gives readDenials one request exactly when it is a denial', (file) => {
    const denials = readDenials(read(file), file);
    expect(denials).toHaveLength(EXPECTED[file]!.denial ? 1 : 0);
  });

  it('finds the 11 denials SOURCES.md lists, and only those', () => {
    const denials = files.filter((f) => readRecords(read(f), f).some(isDenial));
    expect(denials).toHaveLength(11);
    expect(denials.every((f) => f.startsWith('panther_'))).toBe(true);
  });
});

describe('details the corpus records carry', () => {
  const requestOf = (file: string) => toAccessRequest(readRecords(read(file), file)[0]!);

  it('keeps the cross-account VpceAccessDenied caller as AWSAccount with session and account, through the endpoint', () => {
    const r = requestOf('panther_getobject_vpceaccessdenied_awsaccount_networkactivity.json');
    expect(r.principal).toMatchObject({
      type: 'AWSAccount',
      arn: null,
      accountId: '111111111111',
      principalId: 'AROAEXAMPLE:session-name',
      sessionName: 'session-name',
    });
    expect(r.bucketAccountId).toBe('222222222222');
    expect(r.crossAccount).toBe(true);
    expect(r.vpcEndpointId).toBe('vpce-EXAMPLE08c1b6b9b7');
    expect(r.vpcEndpointAccountId).toBe('222222222222');
    expect(r.enhancedMessage.kind).toBe('vpce');
    expect(r.context.values['aws:SourceVpce']).toBe('vpce-EXAMPLE08c1b6b9b7');
    expect(r.context.absent).toContain('aws:SourceIp');
    expect(r.context.values['aws:PrincipalType']).toBe('AssumedRole');
  });

  it('reads vpcEndpointId at the top level and inside additionalEventData', () => {
    expect(requestOf('panther_putbucketpolicy_accessdenied_assumedrole_vpce.json').vpcEndpointId).toBe(
      'vpce-1111',
    );
    expect(requestOf('panther_deletebucket_assumedrole_vpce_success.json').vpcEndpointId).toBe(
      'vpce-aaa333c9',
    );
  });

  it('takes TLS details from tlsDetails (TLSv1.3) for aws:SecureTransport and s3:TlsVersion', () => {
    const r = requestOf('panther_getbucketlifecycle_nosuchlifecycleconfiguration_assumedrole.json');
    expect(r.secureTransport).toBe(true);
    expect(r.tlsVersion).toBe('TLSv1.3');
    expect(r.context.values['s3:TlsVersion']).toBe('1.3');
    expect(r.context.values['aws:SecureTransport']).toBe('true');
  });

  it('maps SigV2 + QueryString to s3:signatureversion AWS and s3:authType REST-QUERY-STRING', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html
    const r = requestOf('awsdocs_s3ug_listbuckets_iamuser_sigv2_querystring.json');
    expect(r.context.values['s3:signatureversion']).toBe('AWS');
    expect(r.context.values['s3:authType']).toBe('REST-QUERY-STRING');
    expect(r.resources).toEqual(['*']);
  });

  it('does not take a service name in sourceIPAddress for an IP', () => {
    const r = requestOf('opensearch_getbucketacl_awsservice_cloudtrail.json');
    expect(r.sourceIp).toBeNull();
    expect(r.principal.invokedBy).toBe('cloudtrail.amazonaws.com');
    expect(r.context.values['aws:PrincipalIsAWSService']).toBe('true');
    expect(Object.keys(r.context.values)).not.toContain('aws:SourceIp');
    expect(r.context.absent).not.toContain('aws:SourceIp');
  });

  it('records ListObjectsV2 list parameters as s3:prefix / s3:delimiter / s3:max-keys', () => {
    const record = readRecords(read('otrf_listobjects_assumedrole_ec2instance_stolencreds.json'), 'x')[0]!;
    const params = record['requestParameters'] as Record<string, unknown>;
    expect(params['list-type']).toBe('2');
    const r = toAccessRequest(record);
    for (const key of ['prefix', 'delimiter', 'max-keys']) {
      if (params[key] === undefined) expect(r.context.absent).toContain(`s3:${key}`);
      else expect(r.context.values[`s3:${key}`]).toBe(params[key]);
    }
  });

  it('derives the bucket owner from resources[].accountId and flags the ListBuckets doc example as cross-account unknown', () => {
    expect(requestOf('otrf_getobject_assumedrole_ec2instance_stolencreds.json')).toMatchObject({
      bucketAccountId: '123456789123',
      crossAccount: false,
    });
    // ListBuckets touches no bucket: no bucket owner, so cross-account is not known.
    expect(requestOf('awsdocs_s3ug_listbuckets_iamuser_sigv2_querystring.json')).toMatchObject({
      bucketAccountId: null,
      crossAccount: null,
    });
  });
});
