// Tests never reach AWS: no instance metadata, fake region and credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTTESTTESTTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_DEV = 'false';

// Property tests are deterministic: every fast-check property runs with a fixed seed unless FC_SEED is set
// (FC_SEED=random draws a new one). fast-check names the seed and path of any failure, so a failing run can
// be replayed exactly with FC_SEED=<seed>.
const fc = require('fast-check');
const DEFAULT_FC_SEED = 20261202;
const seedText = process.env.FC_SEED;
const seed =
  seedText === 'random'
    ? Math.floor(Math.random() * 0x7fffffff)
    : seedText !== undefined && seedText !== ''
      ? Number(seedText)
      : DEFAULT_FC_SEED;
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${seedText}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
