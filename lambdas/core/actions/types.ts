import type { ActionNeed } from '../model';

/** Where an operation's resource lives, which decides the ARN the action is authorized on. */
export type Scope =
  | 'object' // arn:aws:s3:::bucket/key
  | 'bucket' // arn:aws:s3:::bucket
  | 'account' // "*": the action has no resource type (ListAllMyBuckets, account Block Public Access …)
  | 'accesspoint' // arn:aws:s3:region:account:accesspoint/name (S3 Control access point calls)
  | 'job' // arn:aws:s3:region:account:job/id (Batch Operations)
  | 'storagelens'; // arn:aws:s3:region:account:storage-lens/id

/** One row of the operation table: CloudTrail eventName -> the IAM action it needs. */
export interface OperationSpec {
  /** e.g. "s3:GetObject". */
  readonly action: string;
  /** The action when the request names a version (`versionId`), e.g. "s3:GetObjectVersion". */
  readonly versionAction?: string;
  readonly scope: Scope;
  /**
   * Through an access point, IAM authorizes the action on the access point ARN too (and the access point
   * policy applies). Only for actions whose resource types include accesspoint / accesspointobject.
   */
  readonly viaAccessPoint?: boolean;
}

export interface AccessPointRef {
  /** arn:aws:s3:<region>:<account>:accesspoint/<name> (or a newer front door's ARN, see `kind`) */
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** A Multi-Region Access Point or an S3 Object Lambda access point (./front-doors.ts); absent = an access point. */
  readonly kind?: 'multi-region' | 'object-lambda';
}

/** What the action mapping reads from a record (built by core/event). */
export interface OperationInput {
  readonly eventSource: string;
  readonly eventName: string;
  readonly region: string | null;
  readonly bucket: string | null;
  readonly key: string | null;
  readonly versionId: string | null;
  /** requestParameters, as recorded. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The record's `resources[]`, as recorded. */
  readonly resources: readonly unknown[];
  /** The account for account-scoped ARNs (x-amz-account-id, else the recipient / caller account). */
  readonly accountId: string | null;
  readonly accessPoint: AccessPointRef | null;
  /** For KMS records: the key ARN. */
  readonly kmsKeyArn: string | null;
}

export interface OperationNeeds {
  /** false when the eventName is not in the table. */
  readonly mapped: boolean;
  readonly needs: readonly ActionNeed[];
}
