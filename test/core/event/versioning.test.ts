/**
 * The versioning configuration a PutBucketVersioning record sets (requestParameters.VersioningConfiguration:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_VersioningConfiguration.html): the values S3 accepts, in any
 * case, and nothing else, whatever the record holds.
 */
import { requestedVersioning } from '../../../lambdas/core/event/versioning';

describe('requestedVersioning', () => {
  it('reads Status and MfaDelete (or MFADelete), in any case, as S3 spells them', () => {
    expect(
      requestedVersioning({ VersioningConfiguration: { Status: 'suspended', MfaDelete: 'ENABLED' } }),
    ).toEqual({
      status: 'Suspended',
      mfaDelete: 'Enabled',
    });
    expect(requestedVersioning({ VersioningConfiguration: { MFADelete: 'Disabled' } })).toEqual({
      status: null,
      mfaDelete: 'Disabled',
    });
  });

  it.each([
    [null],
    ['text'],
    [{}],
    [{ VersioningConfiguration: 'x' }],
    [{ VersioningConfiguration: { Status: 'On', MfaDelete: ['Enabled'] } }],
  ])('anything else gives nothing: %j', (params) =>
    expect(requestedVersioning(params)).toEqual({ status: null, mfaDelete: null }),
  );
});
