/**
 * The AWS CLI commands that apply a change to each kind of policy. The patched document goes to a
 * local file (file://…) so the command stays copy-pasteable.
 */
import type { NamedPolicy } from '../model';
import { iamKind, iamName } from './patch';

const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function bucketPolicyCommands(bucket: string): string[] {
  return [
    `aws s3api get-bucket-policy --bucket ${q(bucket)} --query Policy --output text > policy.json`,
    `aws s3api put-bucket-policy --bucket ${q(bucket)} --policy file://policy.json`,
  ];
}

/** Commands that write an identity policy of `principalArn`: the existing one (`policy`) or a new inline one. */
export function identityPolicyCommands(
  principalArn: string | null,
  policy: NamedPolicy | null,
  newName = 's3-403-fix',
): string[] {
  const name = iamName(principalArn) ?? 'PRINCIPAL_NAME';
  const kind = iamKind(principalArn);
  if (
    policy &&
    (policy.source === 'identity-managed' ||
      policy.source === 'group-managed' ||
      policy.source === 'permissions-boundary')
  ) {
    const arn = policy.arn ?? `POLICY_ARN_OF_${policy.name}`;
    return [
      `aws iam get-policy-version --policy-arn ${q(arn)} --version-id $(aws iam get-policy --policy-arn ${q(arn)} --query Policy.DefaultVersionId --output text) --query PolicyVersion.Document > policy.json`,
      `aws iam create-policy-version --policy-arn ${q(arn)} --policy-document file://policy.json --set-as-default`,
    ];
  }
  if (policy && policy.source === 'group-inline') {
    // The snapshot and live views name group inline policies "<group>/<policy>".
    const slash = policy.name.indexOf('/');
    const group = slash > 0 ? policy.name.slice(0, slash) : 'GROUP_NAME';
    const name = slash > 0 ? policy.name.slice(slash + 1) : policy.name;
    return [
      `aws iam put-group-policy --group-name ${q(group)} --policy-name ${q(name)} --policy-document file://policy.json`,
    ];
  }
  const policyName = policy?.name ?? newName;
  if (kind === 'user') {
    return [
      `aws iam put-user-policy --user-name ${q(name)} --policy-name ${q(policyName)} --policy-document file://policy.json`,
    ];
  }
  return [
    `aws iam put-role-policy --role-name ${q(name)} --policy-name ${q(policyName)} --policy-document file://policy.json`,
  ];
}

export function vpcEndpointCommands(endpointId: string): string[] {
  return [
    `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${q(endpointId)} --query 'VpcEndpoints[0].PolicyDocument' --output text > vpce-policy.json`,
    `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${q(endpointId)} --policy-document file://vpce-policy.json`,
  ];
}

export function keyPolicyCommands(keyArn: string): string[] {
  return [
    `aws kms get-key-policy --key-id ${q(keyArn)} --policy-name default --query Policy --output text > key-policy.json`,
    `aws kms put-key-policy --key-id ${q(keyArn)} --policy-name default --policy file://key-policy.json`,
  ];
}

export function kmsGrantCommand(keyArn: string, grantee: string, operation: string, s3Arn: string): string {
  return `aws kms create-grant --key-id ${q(keyArn)} --grantee-principal ${q(grantee)} --operations ${operation.replace(/^kms:/, '')} --constraints ${q(`EncryptionContextSubset={aws:s3:arn=${s3Arn}}`)}`;
}

/** The policy id (p-…) of an organization policy, from its ARN or name. */
export function orgPolicyId(policy: NamedPolicy): string {
  const fromArn = policy.arn ? /(p-[0-9a-z_]+)$/i.exec(policy.arn)?.[1] : undefined;
  if (fromArn) return fromArn;
  return /^p-[0-9a-z_]+$/i.test(policy.name) ? policy.name : `POLICY_ID_OF_${policy.name}`;
}

export function orgPolicyCommands(policy: NamedPolicy, file: string): string[] {
  const id = orgPolicyId(policy);
  return [
    `aws organizations describe-policy --policy-id ${q(id)} --query Policy.Content --output text > ${file}`,
    `aws organizations update-policy --policy-id ${q(id)} --content file://${file}`,
  ];
}

export function accessPointPolicyCommands(accountId: string, name: string): string[] {
  return [
    `aws s3control get-access-point-policy --account-id ${accountId} --name ${q(name)} --query Policy --output text > access-point-policy.json`,
    `aws s3control put-access-point-policy --account-id ${accountId} --name ${q(name)} --policy file://access-point-policy.json`,
  ];
}

export function ownershipCommand(bucket: string): string {
  return `aws s3api put-bucket-ownership-controls --bucket ${q(bucket)} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`;
}

export function presignCommand(bucket: string, key: string | null, seconds = 3600): string {
  return `aws s3 presign ${q(`s3://${bucket}/${key ?? 'KEY'}`)} --expires-in ${seconds}`;
}

export function writePolicyFileHint(file: string): string {
  return `# add the statement shown in policyPatch to ${file}, then run the next command`;
}
