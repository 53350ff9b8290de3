/**
 * RegionalForwarderStack: one per extra Region of a single account (`-c regions=…`). EventBridge sees an S3 data
 * event (and the KMS call S3 made) only in the bucket's Region, so each other Region forwards its denials to the
 * home Region's default bus, where the auditor's rules pick them up. The same forwarder as the member stack
 * (lib/denial-forwarder.ts): S3 and KMS denial rules, a dead-letter queue with an alarm, and the alarm's state
 * changes forwarded home too.
 */
import { Aws, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DenialForwarder } from './denial-forwarder';

export interface RegionalForwarderStackProps extends StackProps {
  /** The Region of the auditor stack, whose default bus receives the denials. */
  readonly homeRegion: string;
  /** Name of the auditor's function role (fixed when forwarders exist, see auditorRoleNameForRegions). */
  readonly auditorRoleName: string;
  /**
   * Name of the member read role the auditor uses in organization mode (its denials are not forwarded either).
   * @default - none
   */
  readonly memberRoleName?: string;
  /**
   * Also forward S3 requests denied by a VPC endpoint policy.
   * @default false
   */
  readonly vpcEndpointDenials?: boolean;
  /**
   * 'customer': a customer managed key of this Region encrypts the dead-letter queue and the alarm topic.
   * @default 'aws'
   */
  readonly encryptionKey?: 'aws' | 'customer';
  /**
   * E-mail subscribed to this Region's alarm topic.
   * @default - none
   */
  readonly alertEmail?: string;
}

export class RegionalForwarderStack extends Stack {
  public readonly forwarder: DenialForwarder;

  constructor(scope: Construct, id: string, props: RegionalForwarderStackProps) {
    super(scope, id, {
      description: `s3-403 forwarder: S3 denials of this Region to the auditor in ${props.homeRegion}`,
      ...props,
    });
    const role = (name: string) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;
    this.forwarder = new DenialForwarder(this, 'Forwarder', {
      targetBusArn: `arn:${Aws.PARTITION}:events:${props.homeRegion}:${Aws.ACCOUNT_ID}:event-bus/default`,
      excludedRoleArns: [
        role(props.auditorRoleName),
        ...(props.memberRoleName ? [role(props.memberRoleName)] : []),
      ],
      vpcEndpointDenials: props.vpcEndpointDenials ?? false,
      encryptionKey: props.encryptionKey ?? 'aws',
      ...(props.alertEmail ? { alertEmail: props.alertEmail } : {}),
    });
  }
}

/** The stack name of the forwarder of one Region. */
export function forwarderStackName(auditorStackName: string, region: string): string {
  return `${auditorStackName}-Forwarder-${region}`;
}
