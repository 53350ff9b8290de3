import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string);
  return specs;
}

describe('the analysis core is pure (ARCHITECTURE.md property 2)', () => {
  const coreFiles = tsFiles(join(root, 'lambdas/core'));
  const forbidden = [
    /^@aws-sdk\//,
    /^@smithy\//,
    /^@aws-lambda-powertools\//,
    /^@middy\//,
    /^(node:)?(fs|fs\/promises|http|https|net|child_process|dgram|tls)$/,
  ];

  it('has source files to check', () => {
    expect(coreFiles.length).toBeGreaterThan(0);
  });

  it.each(coreFiles.map((f) => [relative(root, f), f]))(
    '%s imports no AWS SDK, Lambda runtime or I/O module',
    (_name, file) => {
      const specs = importsOf(readFileSync(file, 'utf8'));
      const bad = specs.filter((s) => forbidden.some((re) => re.test(s)));
      expect(bad).toEqual([]);
    },
  );

  it.each(coreFiles.map((f) => [relative(root, f), f]))('%s does not read the environment', (_name, file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bprocess\.(env|argv|stdin|stdout|exit)\b/);
  });

  it('recognises a forbidden import when one is present', () => {
    expect(importsOf("import { S3Client } from '@aws-sdk/client-s3';")).toEqual(['@aws-sdk/client-s3']);
    expect(importsOf("const fs = require('node:fs');")).toEqual(['node:fs']);
  });
});

describe('toolchain', () => {
  it('tests run on Node.js 22, the Lambda runtime the stack deploys', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(22);
  });
});

describe('the repository stands on its own', () => {
  // Every file the tests, scripts and code read lives in the repository: a fresh clone with nothing beside it
  // passes `npm test`. Comments may cite outside documents; code may not open them.
  const code = ['test', 'scripts', 'lambdas', 'lib', 'bin'].flatMap((d) =>
    tsFiles(join(root, d))
      .filter((f) => f !== __filename) // this file names the patterns it looks for
      .map((f) => [relative(root, f), f] as const),
  );
  const outside = [
    /['"`](?:\.\.\/)+shared\//,
    /['"`]\/(?:work|home|root|tmp)\//,
    /\(\s*__dirname\s*,\s*['"`](?:\.\.\/){4,}/,
  ];

  it.each(code)('%s opens no path outside the repository', (_name, file) => {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    expect(outside.filter((re) => re.test(text)).map(String)).toEqual([]);
  });

  it('recognises a path outside the repository when one is present', () => {
    // assembled at run time, so that this file itself holds no such literal (repository-wide scans stay clean)
    const q = "'";
    const up = '../'.repeat(4);
    expect(outside.some((re) => re.test(`join(__dirname, ${q}${up}shared/corpus${q})`))).toBe(true);
    expect(outside.some((re) => re.test(`readFileSync(${q}/${'work'}/shared/contract/CLI.md${q})`))).toBe(
      true,
    );
  });
});
