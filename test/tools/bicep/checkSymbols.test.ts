// Name binding on constructs infra/ does not use yet (lambdas, loops with index, nested and
// `existing` resources, namespaces, imports, user-defined functions and types): none may be
// reported when right, and each misuse must be.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSymbols } from '../../../tools/bicep/checkSymbols';
import { loadInfraProject } from '../../../tools/bicep/infraProject';
import { formatIssue } from '../../../tools/bicep/issues';
import { syntaxIssues } from '../../../tools/bicep/parseBicep';

const VALID = `targetScope = 'resourceGroup'
import { sharedTags } from 'shared.bicep'

metadata info = { owner: 'team' }

@description('Names.')
@allowed(['a', 'b'])
param prefix string = 'a'
param names array = ['x', 'y']
param settings object = {}
param optional string?

type pair = { key: string, value: int? }

@description('Joins.')
func joinName(first string, second string) string => '\${first}-\${second}'

var upper = map(names, n => toUpper(n))
var pairs = [for (name, i) in names: { key: name, value: i }]
var byKey = toObject(pairs, p => p.key, p => p.value)
var total = reduce(pairs, 0, (acc, next) => acc + next.value)
var picked = filter(pairs, item => item.value > 0 && contains(names, item.key))
var loc = az.resourceGroup().location
var rgId = sys.concat(resourceGroup().id, '/x')
var nameOf = joinName(prefix, last(names))
var custom = settings.?custom ?? 'none'
var opt = optional ?? 'none'
var nested = { '\${prefix}key': upper[0], other: sharedTags }

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: nameOf

  resource blobs 'blobServices' existing = {
    name: 'default'
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for (c, idx) in names: if (idx >= 0) {
    parent: storage::blobs
    name: '\${c}-\${idx}'
  }
]

module child 'child.bicep' = [for item in names: {
  name: 'child-\${item}'
  params: { value: item }
}]

output all array = [byKey, total, picked, loc, rgId, custom, opt, nested, containers[0].id, child[0].outputs.x]
`;

const CHILD = `param value string
output x string = value
`;

const SHARED = `@export()
var sharedTags = { a: 'b' }
`;

const BROKEN = `var bad1 = n
var bad2 = [for q in names: q]
var bad3 = q
var bad4 = blobs.id
var bad5 = storage::blobs.id
var bad6 = map(names, z => z)
var bad7 = z
output o2 array = [bad1, bad2, bad3, bad4, bad5, bad6, bad7, unknownThing(1), az.nope()]
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function symbolIssues(main: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bicep-symbols-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'main.bicep'), main);
  fs.writeFileSync(path.join(dir, 'child.bicep'), CHILD);
  fs.writeFileSync(path.join(dir, 'shared.bicep'), SHARED);
  const project = loadInfraProject(dir);
  for (const source of project.files.values()) expect(syntaxIssues(source.tree, source.file)).toEqual([]);
  return checkSymbols(project).map(formatIssue);
}

describe('symbols check', () => {
  it('resolves loop variables, lambda parameters, nested and existing resources, namespaces, imports and functions', () => {
    expect(symbolIssues(VALID)).toEqual([]);
  });

  it('reports names used outside their scope and unknown functions', () => {
    const issues = symbolIssues(VALID + BROKEN);
    const undefinedNames = issues.map((i) => /"(\w+)" is not declared/.exec(i)?.[1]).filter(Boolean);
    // n: a lambda parameter, q: a loop variable, blobs: a nested resource (reachable as storage::blobs), z: another lambda's.
    expect(undefinedNames).toEqual(['n', 'q', 'blobs', 'z']);
    expect(issues.filter((i) => i.includes('unknown function'))).toEqual([
      expect.stringMatching(/unknown function "unknownThing"/),
      expect.stringMatching(/unknown function "az\.nope"/),
    ]);
    expect(issues).toHaveLength(6);
  });
});
