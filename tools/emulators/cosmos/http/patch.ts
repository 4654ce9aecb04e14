// Partial document update: add, set, replace, remove, incr, move on JSON-pointer paths, with the
// service's rules (parents must exist; replace/remove/move need the target; incr needs a number).
import { badRequest } from './errors';

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export interface PatchBody {
  operations: PatchOperation[];
  condition?: unknown;
}

const MAX_OPERATIONS = 10;

function parsePointer(path: unknown, what = 'path'): string[] {
  if (typeof path !== 'string' || !path.startsWith('/') || path === '/') {
    throw badRequest(`Invalid patch ${what} '${String(path)}': it must be a JSON pointer like "/a/b".`);
  }
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: Record<string, unknown>, segments: string[], path: string): { parent: Container; key: string } {
  let node: unknown = doc;
  for (const s of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, s, path, false)];
    else if (node !== null && typeof node === 'object') node = Object.prototype.hasOwnProperty.call(node, s) ? (node as Record<string, unknown>)[s] : undefined;
    else node = undefined;
    if (node === undefined || node === null || typeof node !== 'object') {
      throw badRequest(`For Operation path '${path}': the parent of the target does not exist or is not an object or array.`);
    }
  }
  return { parent: node as Container, key: segments[segments.length - 1] };
}

function arrayIndex(arr: unknown[], key: string, path: string, allowEnd: boolean): number {
  if (allowEnd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw badRequest(`For Operation path '${path}': '${key}' is not a valid array index.`);
  const i = Number(key);
  if (i > arr.length || (!allowEnd && i >= arr.length)) throw badRequest(`For Operation path '${path}': index ${i} is out of bounds.`);
  return i;
}

function has(parent: Container, key: string): boolean {
  if (Array.isArray(parent)) return /^(0|[1-9]\d*)$/.test(key) && Number(key) < parent.length;
  return Object.prototype.hasOwnProperty.call(parent, key);
}

function get(parent: Container, key: string): unknown {
  if (Array.isArray(parent)) return parent[Number(key)];
  return Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
}

function remove(parent: Container, key: string, path: string): unknown {
  if (!has(parent, key)) throw badRequest(`For Operation path '${path}': the target does not exist (remove/replace/move need an existing path).`);
  if (Array.isArray(parent)) return parent.splice(Number(key), 1)[0];
  const old = parent[key];
  delete parent[key];
  return old;
}

function setProperty(parent: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  else parent[key] = value;
}

function add(parent: Container, key: string, value: unknown, path: string, insert: boolean): void {
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, path, true);
    if (insert || i === parent.length) parent.splice(i, 0, value);
    else parent[i] = value;
  } else setProperty(parent, key, value);
}

export function applyPatch(original: Record<string, unknown>, operations: PatchOperation[]): Record<string, unknown> {
  if (operations.length === 0) throw badRequest('The patch request has no operations.');
  if (operations.length > MAX_OPERATIONS) throw badRequest(`The number of patch operations can't exceed ${MAX_OPERATIONS}.`);
  const doc = JSON.parse(JSON.stringify(original)) as Record<string, unknown>;
  for (const operation of operations) {
    if (operation === null || typeof operation !== 'object') throw badRequest('Each patch operation must be an object.');
    const { op, path } = operation;
    const segments = parsePointer(path);
    const { parent, key } = parentOf(doc, segments, path);
    switch (op) {
      case 'add':
        if (!('value' in operation)) throw badRequest(`For Operation path '${path}': add needs a value.`);
        add(parent, key, operation.value, path, true);
        break;
      case 'set':
        if (!('value' in operation)) throw badRequest(`For Operation path '${path}': set needs a value.`);
        add(parent, key, operation.value, path, false);
        break;
      case 'replace':
        if (!('value' in operation)) throw badRequest(`For Operation path '${path}': replace needs a value.`);
        if (!has(parent, key)) throw badRequest(`For Operation path '${path}': the target does not exist (replace needs an existing path).`);
        if (Array.isArray(parent)) parent[Number(key)] = operation.value;
        else setProperty(parent, key, operation.value);
        break;
      case 'remove':
        remove(parent, key, path);
        break;
      case 'incr': {
        const by = operation.value;
        if (typeof by !== 'number' || !Number.isFinite(by)) throw badRequest(`For Operation path '${path}': incr needs a number value.`);
        if (!has(parent, key)) add(parent, key, by, path, false);
        else {
          const current = get(parent, key);
          if (typeof current !== 'number') throw badRequest(`For Operation path '${path}': incr needs the target to be a number.`);
          if (Array.isArray(parent)) parent[Number(key)] = current + by;
          else setProperty(parent, key, current + by);
        }
        break;
      }
      case 'move': {
        const fromSegments = parsePointer(operation.from, 'from');
        if (operation.from === path) break;
        if (path.startsWith(`${operation.from as string}/`)) throw badRequest(`For Operation path '${path}': cannot move a value into itself.`);
        const source = parentOf(doc, fromSegments, operation.from as string);
        const value = remove(source.parent, source.key, operation.from as string);
        const target = parentOf(doc, segments, path);
        add(target.parent, target.key, value, path, true);
        break;
      }
      default:
        throw badRequest(`Invalid patch operation type '${String(op)}' (add, set, replace, remove, incr and move are supported).`);
    }
  }
  return doc;
}
