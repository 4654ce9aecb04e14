import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage, buildPackageDir, DEFAULT_MAX_BYTES, PackageTooLargeError, UnsafePackageDirError } from '../../../tools/package/packageApp';
import { isDroppedDependencyFile, isForeignBinary, productionPackageDirs } from '../../../tools/package/packageFiles';
import { listZip } from '../../../tools/package/zipReader';
import { repoRoot } from '../bicep/infraFixtures';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('package file selection', () => {
  it('keeps production packages for linux-x64 only', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/prod': {},
        'node_modules/prod/node_modules/nested': {},
        'node_modules/devtool': { dev: true },
        'node_modules/devopt': { devOptional: true },
        'node_modules/fsevents': { optional: true, os: ['darwin'] },
        'node_modules/linux-arm': { optional: true, os: ['linux'], cpu: ['arm64'] },
        'node_modules/not-windows': { os: ['!win32'] },
        'node_modules/linked': { link: true },
      },
    };
    expect(productionPackageDirs(lock)).toEqual(['node_modules/not-windows', 'node_modules/prod', 'node_modules/prod/node_modules/nested']);
    expect(() => productionPackageDirs({ lockfileVersion: 1 })).toThrow(/lockfileVersion 2 or 3/);
  });

  it('drops native binaries of other platforms and arches', () => {
    const base = 'node_modules/onnxruntime-node/bin/napi-v6';
    expect(isForeignBinary(`${base}/linux/x64/`)).toBe(false);
    expect(isForeignBinary(`${base}/linux/arm64/`)).toBe(true);
    expect(isForeignBinary(`${base}/darwin/arm64/`)).toBe(true);
    expect(isForeignBinary(`${base}/win32/x64/`)).toBe(true);
    expect(isForeignBinary('node_modules/x/prebuilds/linux-x64/')).toBe(false);
    expect(isForeignBinary('node_modules/x/prebuilds/darwin-arm64/')).toBe(true);
    expect(isForeignBinary('node_modules/x/lib/')).toBe(false);
  });

  it('drops only files Node does not load', () => {
    expect(isDroppedDependencyFile('node_modules/a/dist/index.js.map')).toBe(true);
    expect(isDroppedDependencyFile('node_modules/a/dist/index.d.ts')).toBe(true);
    expect(isDroppedDependencyFile('node_modules/a/README.md')).toBe(true);
    expect(isDroppedDependencyFile('node_modules/a/dist/browser/index.js')).toBe(true);
    expect(isDroppedDependencyFile('node_modules/a/dist/commonjs/index.js')).toBe(false);
    expect(isDroppedDependencyFile('node_modules/a/dist/esm/index.js')).toBe(false);
    expect(isDroppedDependencyFile('node_modules/a/package.json')).toBe(false);
  });
});

describe('buildPackage on this repository (needs dist/ from tsc)', () => {
  it('writes a zip with the app, production dependencies and linux-x64 onnxruntime only, within 60 MB', () => {
    const out = path.join(tmp, 'app.zip');
    const result = buildPackage(repoRoot, out);
    expect(result.bytes).toBe(fs.statSync(out).size);
    expect(result.bytes).toBeLessThanOrEqual(DEFAULT_MAX_BYTES);

    const names = listZip(out).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['host.json', 'package.json', 'node_modules/@azure/functions/package.json']));
    expect(names.some((n) => /^dist\/functions\/[^/]+\.js$/.test(n))).toBe(true);
    expect(names).toContain('node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    expect(names.filter((n) => /onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32|linux\/arm64)\//.test(n))).toEqual([]);
    // Dev-only packages and non-app output stay out.
    // Local-only packages (emulators, browser, Bicep checker, tools' Avro and checkpoint helpers) are devDependencies.
    for (const dev of ['vitest', 'typescript', 'azurite', 'tree-sitter', 'tree-sitter-bicep', 'bicep-types', '@sparticuz/chromium', 'playwright-core', 'avsc', '@azure/eventhubs-checkpointstore-blob', 'fast-check']) {
      expect(names.some((n) => n.startsWith(`node_modules/${dev}/`)), dev).toBe(false);
    }
    // Exactly the app: every compiled file of functions/ and src/, and nothing else of the repository.
    const compiledApp: string[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
        const child = `${rel}/${entry.name}`;
        if (entry.isDirectory()) walk(child);
        else compiledApp.push(child);
      }
    };
    walk('dist/functions');
    walk('dist/src');
    const outsideNodeModules = names.filter((n) => !n.startsWith('node_modules/'));
    expect(outsideNodeModules.sort()).toEqual(['host.json', 'package.json', ...compiledApp].sort());
    expect(compiledApp.some((n) => n.startsWith('dist/src/dashboard/static/'))).toBe(true);
    // None of what only runs locally: emulators, host stand-in, chaos drivers, Bicep checker,
    // simulator, demo, local data, tests, benches, sources, settings.
    const notDeployed = /^(dist\/)?(tools|bench|test)\/|^\.local\/|^\.deploy\/|^\.azure\/|^infra\/|^local\.settings|\.ts$|(^|\/)(emulators|simulator|demo|reliability|bicep)\//;
    expect(outsideNodeModules.filter((n) => notDeployed.test(n))).toEqual([]);
    // What stays out is not needed by what goes in: no packaged module requires it.
    const packaged = new Set(names);
    for (const name of names.filter((n) => n.startsWith('dist/') && n.endsWith('.js'))) {
      const source = fs.readFileSync(path.join(repoRoot, name), 'utf8');
      for (const [, spec] of source.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = path.posix.join(path.posix.dirname(name), spec);
        expect(packaged.has(`${target}.js`) || packaged.has(target) || packaged.has(`${target}/index.js`), `${name} requires ${spec}`).toBe(true);
      }
    }
  });

  it('writes the same files unpacked for azd (--dir .deploy/app), replacing an older folder', () => {
    const zip = path.join(tmp, 'same.zip');
    buildPackage(repoRoot, zip);
    const dir = path.join(tmp, 'app');
    fs.mkdirSync(path.join(dir, 'stale'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stale', 'old.js'), '');
    const result = buildPackageDir(repoRoot, dir);
    const files: string[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(child);
        else files.push(child);
      }
    };
    walk('');
    expect(files.sort()).toEqual(listZip(zip).map((e) => e.name).sort());
    expect(result.files).toBe(files.length);
    expect(fs.existsSync(`${dir}.tmp`)).toBe(false);
  });

  it('refuses to empty a folder that holds the project', () => {
    expect(() => buildPackageDir(repoRoot, repoRoot)).toThrow(UnsafePackageDirError);
    expect(() => buildPackageDir(repoRoot, path.dirname(repoRoot))).toThrow(/refusing to replace a folder that holds the project/);
    expect(fs.existsSync(path.join(repoRoot, 'package.json'))).toBe(true);
  });

  it('refuses a package over the size limit and leaves no zip behind', () => {
    const out = path.join(tmp, 'small.zip');
    expect(() => buildPackage(repoRoot, out, 1024 * 1024)).toThrow(PackageTooLargeError);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(`${out}.tmp`)).toBe(false);
  });
});

describe('azd deploys the trimmed package (azure.yaml, package.json, .funcignore)', () => {
  const read = (name: string) => fs.readFileSync(path.join(repoRoot, name), 'utf8');

  it('packs .deploy/app with the package tool before azd zips it, with no remote build', () => {
    const yaml = read('azure.yaml');
    const api = yaml.slice(yaml.indexOf('  api:'));
    expect(api).toMatch(/^    dist: \.deploy\/app$/m);
    expect(api).toMatch(/^    remoteBuild: false$/m);
    expect(api).toMatch(/^      prepackage:\n        posix:\n          shell: sh\n          run: npm run --silent deploy:package$/m);
    expect(api).toMatch(/^        windows:\n          shell: pwsh\n          run: npm run --silent deploy:package$/m);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts['deploy:package']).toMatch(/npm run package -- --dir \.deploy\/app$/);
    expect(scripts.package).toMatch(/node dist\/tools\/package\/packageApp\.js$/);
  });

  it('runs the parameter check before and the secret hook after provisioning', () => {
    const yaml = read('azure.yaml');
    expect(yaml).toMatch(/^  preprovision:\n    posix:\n      shell: sh\n      run: npm run --silent deploy:check$/m);
    expect(yaml).toMatch(/^  postprovision:\n    posix:\n      shell: sh\n      run: npm run --silent deploy:secrets$/m);
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts['deploy:secrets']).toMatch(/node dist\/tools\/deploy\/ensureSecrets\.js$/);
    expect(scripts['deploy:check']).toMatch(/node dist\/tools\/deploy\/checkParameters\.js$/);
  });

  it('keeps local-only packages out of dependencies, and .funcignore leaves out everything but the app for other publishers', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dev of ['azurite', 'avsc', 'rhea', '@azure/eventhubs-checkpointstore-blob', 'tree-sitter', 'bicep-types', '@sparticuz/chromium', 'playwright-core']) {
      expect(Object.keys(pkg.dependencies), dev).not.toContain(dev);
    }
    const ignored = read('.funcignore').split('\n').map((l) => l.trim());
    for (const entry of ['.local/', '.deploy/', 'test/', 'tools/', 'bench/', 'infra/', 'dist/tools/', 'dist/test/', 'dist/bench/', 'local.settings.json']) {
      expect(ignored, entry).toContain(entry);
    }
    // azd refuses remoteBuild: false when the project's .funcignore excludes node_modules.
    expect(ignored.filter((l) => /^\/?node_modules\/?$/.test(l))).toEqual([]);
  });
});
