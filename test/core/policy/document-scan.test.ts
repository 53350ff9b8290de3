import { scanDocument } from '../../../lambdas/core/policy/document-scan';

const doc = (condition: Record<string, unknown>): object => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: condition }],
});

describe('scanDocument: what a policy text names, read once per document', () => {
  it('names the time keys in any case (aws:CurrentTime, aws:EpochTime, aws:MultiFactorAuthAge)', () => {
    for (const key of ['aws:CurrentTime', 'AWS:epochtime', 'aws:MultiFactorAuthAge'])
      expect(scanDocument(doc({ NumericLessThan: { [key]: '1' } })).namesTime).toBe(true);
    expect(scanDocument(doc({ Bool: { 'aws:SecureTransport': 'false' } })).namesTime).toBe(false);
  });

  it('lists the object-tag keys a document tests, lower-cased and each once', () => {
    const scan = scanDocument(
      doc({
        StringEquals: { 's3:ExistingObjectTag/Team': 'a', 's3:existingobjecttag/team': 'b' },
        StringLike: { 's3:RequestObjectTag/Stage': 'x' },
      }),
    );
    expect(scan.tagKeys).toEqual(['s3:existingobjecttag/team', 's3:requestobjecttag/stage']);
    expect(scanDocument(doc({})).tagKeys).toEqual([]);
  });

  it('lists the aws:ResourceTag keys too (a bucket with ABAC enabled), but not a policy variable naming one', () => {
    const scan = scanDocument(
      doc({
        StringEquals: { 'aws:ResourceTag/Team': 'red' },
        StringLike: { 's3:prefix': '${aws:ResourceTag/project}/*' },
      }),
    );
    expect(scan.tagKeys).toEqual(['aws:resourcetag/team']);
  });

  it('lists the aws:PrincipalTag keys, as condition keys and as policy variables (a caller whose tags are all known)', () => {
    const scan = scanDocument(
      doc({
        StringEquals: {
          'aws:ResourceTag/Team': '${aws:PrincipalTag/team}',
          'aws:PrincipalTag/Stage': 'prod',
        },
        StringLike: { 's3:prefix': "${aws:PrincipalTag/Project, 'none'}/*" },
      }),
    );
    expect(scan.tagKeys).toEqual([
      'aws:resourcetag/team',
      'aws:principaltag/team',
      'aws:principaltag/stage',
      'aws:principaltag/project',
    ]);
  });

  it('reads a document given as JSON text, and scans an object once', () => {
    expect(scanDocument('{"Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01"}}}').namesTime).toBe(
      true,
    );
    const d = doc({ StringEquals: { 's3:ExistingObjectTag/a': '1' } });
    expect(scanDocument(d)).toBe(scanDocument(d));
  });

  it('scans a missing or scalar document as its text, without caching it', () => {
    for (const d of [null, undefined, 42, true])
      expect(scanDocument(d)).toEqual({ namesTime: false, tagKeys: [] });
  });

  it('takes a document it cannot serialise as reading the time, with no tag keys', () => {
    expect(scanDocument({ n: BigInt(1) })).toEqual({ namesTime: true, tagKeys: [] });
  });
});
