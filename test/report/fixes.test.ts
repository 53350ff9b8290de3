/** The patched documents of --write-fixes: every policyPatch shape the checkers produce, applied to the current document. */
import { applyPatch, patchedDocuments } from '../../lambdas/core/report/fixes';
import { known, type AccessRequest, type RequestFacts, type RootCause } from '../../lambdas/core/model';

const doc = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    { Effect: 'Deny', Action: 's3:*', Resource: '*' },
  ],
};
const NEW = { Sid: 'New', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' };

describe('applyPatch', () => {
  it.each([
    ['adds one statement', { addStatement: NEW }, [...doc.Statement, NEW]],
    ['adds several statements', { addStatement: [NEW, NEW] }, [...doc.Statement, NEW, NEW]],
    ['replaces a statement by Sid', { statement: 'A', replaceStatement: NEW }, [NEW, doc.Statement[1]]],
    [
      'replaces a statement by number (#2 when it has no Sid)',
      { statement: '#2', replaceStatement: NEW },
      [doc.Statement[0], NEW],
    ],
    ['removes a statement', { removeStatement: '#2' }, [doc.Statement[0]]],
    [
      'replaces a Deny by its exempted form and adds the Allow the policy then lacks (a guardrail fix)',
      { statement: '#2', replaceStatement: NEW, addStatement: { ...NEW, Sid: 'Added' } },
      [doc.Statement[0], NEW, { ...NEW, Sid: 'Added' }],
    ],
  ])('%s', (_n, patch, statements) => {
    expect(applyPatch(doc, patch)).toEqual({ ...doc, Statement: statements });
    expect(doc.Statement).toHaveLength(2); // the current document is not changed
  });

  it.each([
    ['a statement that is not there', { statement: 'Nope', replaceStatement: NEW }],
    ['a number past the end', { removeStatement: '#9' }],
    ['nothing to do', {}],
  ])('refuses %s', (_n, patch) => {
    expect(applyPatch(doc, patch)).toBeNull();
  });
});

describe('patchedDocuments', () => {
  const request = { bucket: 'b' } as AccessRequest;
  const facts = {
    buckets: {
      b: known({ policy: known({ name: 'b', source: 'bucket-policy', document: JSON.stringify(doc) }) }),
    },
    principal: known({
      identityArn: 'arn:aws:iam::111122223333:role/App',
      identityPolicies: [{ name: 'inline-1', source: 'identity-inline', document: doc }],
      permissionsBoundary: null,
    }),
    kmsKeys: {
      'arn:aws:kms:us-east-1:111122223333:key/k': known({
        keyPolicy: known({ name: 'default', source: 'kms-key-policy', document: doc }),
      }),
    },
  } as unknown as RequestFacts;
  const cause = (policyPatch: Record<string, unknown>, verified = true) =>
    ({ fix: { summary: '', commands: [], policyPatch, verified } }) as unknown as RootCause;

  it('patches the bucket policy (stored as a JSON string) from the facts', () => {
    const [d] = patchedDocuments(
      cause({ layer: 'bucket-policy', bucket: 'b', statement: 'A', replaceStatement: NEW }),
      facts,
      request,
    );
    expect(d).toEqual({
      layer: 'bucket-policy',
      target: 'b',
      current: doc,
      patched: { ...doc, Statement: [NEW, doc.Statement[1]] },
    });
  });

  it('creates a new inline identity policy from its document', () => {
    const inline = { Version: '2012-10-17', Statement: [NEW] };
    const [d] = patchedDocuments(
      cause({
        layer: 'identity-policy',
        principal: 'arn:aws:iam::111122223333:role/App',
        newInlinePolicy: 's3-403-fix',
        addStatement: NEW,
        document: inline,
      }),
      facts,
      request,
    );
    expect(d).toEqual({ layer: 'identity-policy', target: 's3-403-fix', current: null, patched: inline });
  });

  it('patches the KMS key policy and adds an identity policy for a KMS fix', () => {
    const keyStmt = { ...NEW, Resource: 'arn:aws:kms:us-east-1:111122223333:key/k' };
    const docs = patchedDocuments(
      cause({
        layer: 'kms',
        keyPolicy: { addStatement: keyStmt },
        identityPolicy: { newInlinePolicy: 's3-403-fix', addStatement: keyStmt },
      }),
      facts,
      request,
    );
    expect(docs.map((d) => [d.layer, d.target, d.patched.Statement.length])).toEqual([
      ['kms-key-policy', 'arn:aws:kms:us-east-1:111122223333:key/k', 3],
      ['identity-policy', 's3-403-fix', 1],
    ]);
  });

  it('writes nothing for a fix that was not verified', () => {
    expect(
      patchedDocuments(
        cause({ layer: 'bucket-policy', bucket: 'b', addStatement: NEW }, false),
        facts,
        request,
      ),
    ).toEqual([]);
  });
});
