// Azure resource type definitions (bicep-types-az `types.json` files) read with `bicep-types`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildIndex,
  readTypesJson,
  type BicepType,
  type CrossFileTypeReference,
  type TypeFile,
  type TypeReference,
} from 'bicep-types';

/** A type together with the file its same-file references point into. */
export interface TypeHandle {
  type: BicepType;
  file: string;
}

export class AzureTypesNotFoundError extends Error {}

export class AzureTypes {
  private readonly files = new Map<string, BicepType[]>();
  private readonly resources = new Map<string, CrossFileTypeReference>();
  private readonly versionsByType = new Map<string, string[]>();

  private constructor(typeFiles: TypeFile[]) {
    for (const typeFile of typeFiles) this.files.set(typeFile.relativePath, typeFile.types);
    const index = buildIndex(typeFiles, () => undefined);
    for (const [key, ref] of Object.entries(index.resources)) {
      this.resources.set(key.toLowerCase(), ref);
      const [type, version] = key.split('@');
      const lower = type.toLowerCase();
      this.versionsByType.set(lower, [...(this.versionsByType.get(lower) ?? []), version]);
    }
  }

  /**
   * Reads every types.json under `dir` and, when given, under each supplement folder. Each folder's
   * files are keyed by the folder's name and their path in it, so equal paths in two folders never
   * collide; a type listed in both resolves to the later folder's definition.
   */
  static load(dir: string, supplements: string[] = []): AzureTypes {
    const typeFiles: TypeFile[] = [];
    for (const root of [dir, ...supplements]) {
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new AzureTypesNotFoundError(
          `Azure type definitions not found at ${root}. The infra checks need the pinned types.json files ` +
            '(../shared/azure-types beside the repository, or set AZURE_TYPES_DIR).',
        );
      }
      const before = typeFiles.length;
      const walk = (current: string): void => {
        for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
          const full = path.join(current, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name === 'types.json') {
            const inRoot = path.relative(root, full).split(path.sep).join('/');
            typeFiles.push({ relativePath: `${path.basename(root)}/${inRoot}`, types: readTypesJson(fs.readFileSync(full, 'utf8')) });
          }
        }
      };
      walk(root);
      if (typeFiles.length === before) throw new AzureTypesNotFoundError(`No types.json files under ${root}`);
    }
    return new AzureTypes(typeFiles);
  }

  /** Body type of `type@apiVersion`, matched case-insensitively like Bicep does. */
  resourceBody(type: string, apiVersion: string): TypeHandle | undefined {
    const ref = this.resources.get(`${type}@${apiVersion}`.toLowerCase());
    if (!ref) return undefined;
    const resource = this.resolve(ref, ref.relativePath);
    if (resource.type.type !== 'ResourceType') return undefined;
    return this.resolve(resource.type.body, resource.file);
  }

  hasType(type: string): boolean {
    return this.versionsByType.has(type.toLowerCase());
  }

  versionsOf(type: string): string[] {
    return [...(this.versionsByType.get(type.toLowerCase()) ?? [])].sort();
  }

  resolve(ref: TypeReference | CrossFileTypeReference, file: string): TypeHandle {
    let target = file;
    if ('relativePath' in ref) {
      // Index references are root-relative; references inside a types.json are file-relative.
      target = this.files.has(ref.relativePath)
        ? ref.relativePath
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.relativePath));
    }
    const types = this.files.get(target);
    const type = types?.[ref.index];
    if (!type) throw new Error(`Broken type reference ${target}#${ref.index}`);
    return { type, file: target };
  }
}
