import { loadOracle } from './oracle';
const o = loadOracle();
const A = '111122223333',
  O = '444455556666';
const base = (principal: string, ctx: Record<string, string | string[]>, extra: Record<string, unknown>) => ({
  request: {
    principal,
    action: 's3:GetObject',
    resource: { resource: 'arn:aws:s3:::my-bucket/k', accountId: A },
    contextVariables: ctx,
  },
  identityPolicies: [],
  serviceControlPolicies: [],
  resourceControlPolicies: [],
  ...extra,
});
const idp = (...st: unknown[]) => ({
  identityPolicies: st.map((s, i) => ({ name: `p${i}`, policy: { Version: '2012-10-17', Statement: [s] } })),
});
async function main() {
  const cases: [string, unknown][] = [
    [
      'ip 0/0 allow',
      base(
        `arn:aws:iam::${A}:user/alice`,
        { 'aws:SourceIp': '198.51.100.20' },
        idp({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
        }),
      ),
    ],
    [
      'notip 0/0 deny',
      base(
        `arn:aws:iam::${A}:user/alice`,
        { 'aws:SourceIp': '192.0.2.33' },
        idp(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          {
            Effect: 'Deny',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
          },
        ),
      ),
    ],
    [
      'epoch LTE',
      base(
        `arn:aws:iam::${A}:user/alice`,
        { 'aws:EpochTime': '1795173600' },
        idp({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { DateLessThanEquals: { 'aws:EpochTime': '2026-06-01T00:00:00Z' } },
        }),
      ),
    ],
    [
      'epoch GT',
      base(
        `arn:aws:iam::${A}:user/alice`,
        { 'aws:EpochTime': '1795173600' },
        idp({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { DateGreaterThan: { 'aws:EpochTime': '2026-06-01T00:00:00Z' } },
        }),
      ),
    ],
    [
      'notprincipal user',
      base(
        `arn:aws:iam::${A}:user/bob`,
        {},
        {
          resourcePolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
              {
                Effect: 'Deny',
                NotPrincipal: { AWS: [`arn:aws:iam::${A}:user/alice`, A] },
                Action: 's3:GetObject',
                Resource: '*',
              },
            ],
          },
        },
      ),
    ],
    [
      'notprincipal session',
      base(
        `arn:aws:sts::${O}:assumed-role/Reader/sess-1`,
        {},
        {
          ...idp({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
          resourcePolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
              {
                Effect: 'Deny',
                NotPrincipal: { AWS: [`arn:aws:iam::${O}:root`] },
                Action: 's3:GetObject',
                Resource: '*',
              },
            ],
          },
        },
      ),
    ],
    [
      'notprincipal session full',
      base(
        `arn:aws:sts::${O}:assumed-role/Reader/sess-1`,
        {},
        {
          ...idp({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
          resourcePolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
              {
                Effect: 'Deny',
                NotPrincipal: {
                  AWS: [
                    `arn:aws:iam::${O}:root`,
                    `arn:aws:iam::${O}:role/Reader`,
                    `arn:aws:sts::${O}:assumed-role/Reader/sess-1`,
                  ],
                },
                Action: 's3:GetObject',
                Resource: '*',
              },
            ],
          },
        },
      ),
    ],
  ];
  for (const [name, sim] of cases) {
    const r = await o.runSimulation(sim, {});
    console.log(name, r.resultType === 'error' ? JSON.stringify(r.errors) : r.overallResult);
  }
}
main();
