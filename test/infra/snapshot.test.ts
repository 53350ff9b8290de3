/**
 * A snapshot of the synthesized templates, with asset hashes and S3 keys replaced by placeholders so the
 * snapshot changes only when the infrastructure does, not when the Lambda code does.
 */
import { auditorStack, memberStack } from './helpers';

function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}(\.zip)?/g, '[ASSET_HASH]')
      .replace(/"S3Key":"[^"]+"/g, '"S3Key":"[ASSET_KEY]"'),
  );
}

describe('template snapshots', () => {
  it('single-account stack (defaults)', () => {
    expect(withoutAssetHashes(auditorStack().template.toJSON())).toMatchSnapshot();
  });

  it('central stack', () => {
    const { template } = auditorStack({
      centralBus: { organizationId: 'o-abcdefghij' },
      memberAccess: { externalIdSecretName: 's3-403/external-id' },
      slackSecretName: 's3-403/slack',
      alertEmail: 'security@example.com',
      buckets: ['alpha-data'],
    });
    expect(withoutAssetHashes(template.toJSON())).toMatchSnapshot();
  });

  it('member stack', () => {
    expect(withoutAssetHashes(memberStack().template.toJSON())).toMatchSnapshot();
  });

  it('the placeholder replaces every asset hash', () => {
    const text = JSON.stringify(withoutAssetHashes(auditorStack().template.toJSON()));
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).toContain('"S3Key":"[ASSET_KEY]"');
  });
});
