/**
 * MemberStack: deployed to every account and Region of an organization with CloudFormation StackSets
 * (service-managed). It forwards S3 denials to the central bus and gives the central auditor a read-only role.
 *
 * No assets and no bootstrap version rule: a StackSet instance runs in accounts that were never bootstrapped.
 */
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnResource,
  DefaultStackSynthesizer,
  Fn,
  Stack,
  StackProps,
} from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { AUDITOR_DEFAULTS } from './access-denied-auditor';
import { AuditTrail, AuditTrailProps, trailArn } from './audit-trail';
import { readFlag } from './config';
import { DenialForwarder } from './denial-forwarder';
import { dataKeyStatements } from './keys';
import { lambdaReadActions, readStatements, wildcardSuppressions } from './read-permissions';

export interface MemberStackProps extends StackProps {
  /**
   * Name of the read-only role (the central auditor's MEMBER_ROLE_NAME).
   * @default 's3-403-reader'
   */
  readonly memberRoleName?: string;
  /**
   * Default of the CentralEventBusArn parameter.
   * @default - none: the parameter must be given (StackSets --parameters)
   */
  readonly centralEventBusArn?: string;
  /**
   * Default of the AuditorRoleArn parameter.
   * @default - none: the parameter must be given
   */
  readonly auditorRoleArn?: string;
  /**
   * Default of the ReadRoleRegion parameter: IAM roles are global, so the StackSet instance of this Region
   * alone creates the read role; instances of other Regions only forward events.
   * @default 'us-east-1'
   */
  readonly readRoleRegion?: string;
  /**
   * Create a trail in the member account. Leave false when an organization trail already logs S3 data events.
   * @default false
   */
  readonly createTrail?: boolean;
  /**
   * Grant the central auditor s3:GetObject / s3:GetObjectVersion (HeadObject: each denied object's own SSE-KMS
   * key) on this account's buckets. These also allow reading object content: set it only when the central
   * auditor sets readObjectMetadata too. Context key `readObjectMetadata`.
   * @default - the context value `readObjectMetadata`, else false
   */
  readonly readObjectMetadata?: boolean;
  /**
   * Trail settings when createTrail is true.
   * @default - all buckets, this Region
   */
  readonly trail?: AuditTrailProps;
  /**
   * Also forward S3 requests denied by a VPC endpoint policy (and log them, with createTrail).
   * @default false
   */
  readonly vpcEndpointDenials?: boolean;
  /**
   * 'customer': a customer managed key of each account and Region encrypts the forwarder's dead-letter queue
   * and alarm topic.
   * @default 'aws'
   */
  readonly encryptionKey?: 'aws' | 'customer';
}

export class MemberStack extends Stack {
  public readonly readRole: iam.Role;
  public readonly rules: events.Rule[];
  public readonly forwarder: DenialForwarder;
  public readonly auditTrail?: AuditTrail;

  constructor(scope: Construct, id: string, props: MemberStackProps = {}) {
    super(scope, id, {
      description:
        's3-403 member: forwards S3 denials to the central auditor and lets it read access configuration',
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      ...props,
    });
    const busArn = new CfnParameter(this, 'CentralEventBusArn', {
      type: 'String',
      description: 'ARN of the central s3-403 event bus (output CentralEventBusArn of the auditor stack)',
      allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._/-]+$',
      constraintDescription: 'must be an EventBridge event bus ARN',
      ...(props.centralEventBusArn ? { default: props.centralEventBusArn } : {}),
    });
    const auditorRoleArn = new CfnParameter(this, 'AuditorRoleArn', {
      type: 'String',
      description: 'ARN of the central auditor Lambda role (output AuditorRoleArn of the auditor stack)',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]+$',
      constraintDescription: 'must be an IAM role ARN',
      ...(props.auditorRoleArn ? { default: props.auditorRoleArn } : {}),
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      noEcho: true,
      minLength: 2,
      maxLength: 1224,
      allowedPattern: '^[\\w+=,.@:/-]+$',
      description: 'External id the central auditor presents when it assumes the read role',
    });

    const roleRegion = new CfnParameter(this, 'ReadRoleRegion', {
      type: 'String',
      default: props.readRoleRegion ?? 'us-east-1',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      description: 'The one Region whose stack instance creates the (global) read role',
    });
    const createsRole = new CfnCondition(this, 'CreatesReadRole', {
      expression: Fn.conditionEquals(Aws.REGION, roleRegion.valueAsString),
    });

    const roleName = props.memberRoleName ?? AUDITOR_DEFAULTS.memberRoleName;
    this.readRole = new iam.Role(this, 'ReadRole', {
      roleName,
      description: 's3-403: read-only access for the central auditor',
      assumedBy: new iam.ArnPrincipal(auditorRoleArn.valueAsString).withConditions({
        StringEquals: { 'sts:ExternalId': externalId.valueAsString },
      }),
    });
    const readScope = { buckets: props.trail?.buckets };
    // The same reads as the central function's own account view, including the change lookup (issue 9): no
    // snapshot-only action, and no object content unless readObjectMetadata.
    const objectMetadata =
      props.readObjectMetadata ??
      readFlag((key) => this.node.tryGetContext(key) as unknown, 'readObjectMetadata') ??
      false;
    const readActions = lambdaReadActions(objectMetadata);
    const readPolicy = new iam.Policy(this, 'ReadPolicy', {
      statements: readStatements(readActions, readScope),
    });
    readPolicy.attachToRole(this.readRole);
    for (const resource of [this.readRole.node.defaultChild, readPolicy.node.defaultChild]) {
      (resource as CfnResource).cfnOptions.condition = createsRole;
    }

    this.forwarder = new DenialForwarder(this, 'Forwarder', {
      targetBusArn: busArn.valueAsString,
      // Loop guard: the read role of this account and the central auditor role.
      excludedRoleArns: [
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}`,
        auditorRoleArn.valueAsString,
      ],
      vpcEndpointDenials: props.vpcEndpointDenials ?? false,
      encryptionKey: props.encryptionKey ?? 'aws',
      // With a member trail, the Region's key encrypts its log files too.
      ...(props.createTrail
        ? {
            keyStatements: dataKeyStatements({
              trailArn: trailArn(this),
              queueConsumerArns: [],
              table: false,
              logGroups: false,
            }),
          }
        : {}),
    });
    this.rules = this.forwarder.rules;

    if (props.createTrail) {
      this.auditTrail = new AuditTrail(this, 'AuditTrail', {
        ...props.trail,
        ...(props.vpcEndpointDenials ? { vpcEndpointDenials: true } : {}),
        ...(this.forwarder.keyRef ? { kmsKey: this.forwarder.keyRef } : {}),
      });
    }

    new CfnOutput(this, 'ReadRoleArn', { value: this.readRole.roleArn, condition: createsRole });
    NagSuppressions.addResourceSuppressions(readPolicy, wildcardSuppressions(readActions, readScope));
  }
}
