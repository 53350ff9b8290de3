/**
 * The root causes behind the disagreement classes, as investigated against AWS's documentation (docs/DIFFERENTIAL.md).
 * Each class (the features its minimal example needs, see ./compare.ts) is attributed to every cause whose feature it
 * has; a class with no known cause is reported as "unexplained" and must be investigated.
 */
export type Verdict =
  | 'our engine is wrong'
  | 'iam-simulate is wrong per AWS'
  | 'not decided by AWS documentation'
  | 'same outcome, named differently'
  | 'the world cannot exist on AWS';

export interface Cause {
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** Where AWS documents the behaviour. */
  readonly source: string;
  /** The test in our suite that pins AWS's behaviour (or the bug id for the engine helper). */
  readonly pin: string;
  readonly matches: (tag: string) => boolean;
  /**
   * A bug of our engine that has been fixed: it explains no disagreement any more (a class that only it would
   * explain is reported as unexplained, a regression to investigate). Kept to document the history.
   */
  readonly fixed?: string;
}

const PINS = 'test/core/policy/differential-pins.test.ts';

export const CAUSES: readonly Cause[] = [
  {
    id: 'B1',
    fixed: 'issue 12',
    title: 'a level with no RCP listed (RCPFullAWSAccess implied) denies every request',
    verdict: 'our engine is wrong',
    source: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html',
    pin: 'bug B1 (issue 12, first bullet)',
    matches: (t) => t === 'RCPFullAWSAccess implied (not listed)',
  },
  {
    id: 'B2',
    fixed: 'issue 12',
    title: 'ForAnyValue:…IfExists on a key the request does not carry counts as a match',
    verdict: 'our engine is wrong',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
    pin: 'bug B2 (issue 12, ForAnyValue…IfExists bullet)',
    matches: (t) => /^ForAnyValue:(Not)?…IfExists on an absent key$/.test(t),
  },
  {
    id: 'B3',
    fixed: 'issue 12',
    title: 'aws:PrincipalOrgPaths is not derived from the snapshot (organization.Id, root, organizationPath)',
    verdict: 'our engine is wrong',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths',
    pin: 'bug B3 (issue 12, aws:PrincipalOrgPaths bullet)',
    matches: (t) => / aws:PrincipalOrgPaths$/.test(t),
  },
  {
    id: 'B4',
    fixed: 'issue 12',
    title: 'aws:ResourceOrgPaths is not derived from the snapshot',
    verdict: 'our engine is wrong',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgpaths',
    pin: 'bug B4 (issue 12, "derive every global key")',
    matches: (t) => / aws:ResourceOrgPaths$/.test(t),
  },
  {
    id: 'B5',
    fixed: 'issue 13 branch (NotResource with a no-value variable matches no resource)',
    title:
      'a statement whose NotResource value uses a policy variable with no value applies to every resource (it matches none)',
    verdict: 'our engine is wrong',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value',
    pin: 'test/core/policy/language/variables.test.ts: a Deny whose NotResource has ${aws:username} …',
    matches: (t) => /^variable .* in (Not)?Resource \(key absent\)$/.test(t),
  },
  {
    id: 'O6',
    title:
      'a negated condition operator (StringNotEquals, StringNotLike …) whose value is a policy variable with no value does not match',
    verdict: 'iam-simulate is wrong per AWS',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value',
    pin: `test/core/policy/language/variables.test.ts: AWS's own example: a Deny with StringNotEquals … denies a caller without the Team tag`,
    matches: (t) => /^variable .* in Condition \(key absent\)$/.test(t),
  },
  {
    id: 'G1',
    title:
      'an organization level with no SCP attached (the shrinker removed the last one): ours reads it as SCPs not enabled there, iam-simulate as no Allow',
    verdict: 'the world cannot exist on AWS',
    source: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html',
    pin: 'docs/SNAPSHOT.md (a level with no SCP listed means SCPs are not enabled there)',
    matches: (t) => t === 'an organization level with no SCP attached',
  },
  {
    id: 'O1',
    title: 'IpAddress / NotIpAddress with 0.0.0.0/0 (every IPv4 address) does not match an IPv4 caller',
    verdict: 'iam-simulate is wrong per AWS',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress',
    pin: `${PINS}: IpAddress 0.0.0.0/0 …, NotIpAddress 0.0.0.0/0 …`,
    matches: (t) => /IpAddress (0\.0\.0\.0\/0|::\/0)$/.test(t),
  },
  {
    id: 'O2',
    title: 'NotIpAddress with IPv4 blocks is false for an IPv6 caller',
    verdict: 'iam-simulate is wrong per AWS',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip',
    pin: `${PINS}: NotIpAddress with only IPv4 blocks is true for an IPv6 caller`,
    matches: (t) => t.endsWith('IPv6 address vs IPv4 blocks'),
  },
  {
    id: 'O3',
    title: 'Date operators mis-compare epoch seconds (aws:EpochTime) with ISO 8601 dates',
    verdict: 'iam-simulate is wrong per AWS',
    source:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date',
    pin: `${PINS}: DateLessThanEquals compares aws:EpochTime …`,
    matches: (t) => t === 'Date… epoch seconds vs ISO 8601',
  },
  {
    id: 'O4',
    title: 'a Deny with NotPrincipal spares a caller named only by its account (or role), not at every level',
    verdict: 'iam-simulate is wrong per AWS',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html',
    pin: `${PINS}: a Deny with NotPrincipal naming only the account …`,
    matches: (t) => /Deny NotPrincipal\(/.test(t),
  },
  {
    id: 'O5',
    title: 'a bucket policy naming the session ARN is limited by the session policy',
    verdict: 'iam-simulate is wrong per AWS',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session',
    pin: `${PINS}: a bucket policy naming the session ARN allows although the session policy does not`,
    matches: (t) => /^bucket Allow Principal\([^)]*session/.test(t),
  },
  {
    id: 'U1',
    title: 'a bucket policy granting Principal "*" to a role session whose session policy does not allow',
    verdict: 'not decided by AWS documentation',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session',
    pin: 'documented as open in docs/DIFFERENTIAL.md',
    matches: (t) => /^bucket Allow Principal\((\*|AWS:\*)/.test(t),
  },
  {
    id: 'M1',
    title: 'RestrictPublicBuckets: both deny; iam-simulate calls it an explicit deny, we an implicit one',
    verdict: 'same outcome, named differently',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
    pin: `${PINS}: RestrictPublicBuckets ignores a public bucket policy for an anonymous caller`,
    matches: (t) => t === 'RestrictPublicBuckets',
  },
];

/**
 * The causes a class (its tags) needs, most significant first. The two residual explanations (M1, U1) count only when
 * nothing else explains the class.
 */
export function causesOf(tags: ReadonlySet<string>): Cause[] {
  const found = CAUSES.filter((c) => c.fixed === undefined && [...tags].some((t) => c.matches(t)));
  const firm = found.filter((c) => c.id !== 'M1' && c.id !== 'U1');
  return firm.length > 0 ? firm : found;
}
