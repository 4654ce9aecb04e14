// Where the CSV files are read from: a local folder, or a Blob container and prefix. Each of
// leads.csv, campaigns.csv and touches.csv (or the template's four files) is optional; absent
// files are simply not returned.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { FILE_NAMES, type CampaignFileKind, type CampaignFileTexts } from './campaignFiles';

export type CampaignSource = { folder: string } | { container: ContainerClient; prefix: string };

export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export class CampaignSourceError extends Error {}

export function describeSource(source: CampaignSource): string {
  return 'folder' in source ? `folder ${source.folder}` : `blob ${source.container.containerName}/${source.prefix}`;
}

async function readBlob(container: ContainerClient, name: string): Promise<string | undefined> {
  const blob = container.getBlockBlobClient(name);
  try {
    const props = await blob.getProperties();
    if ((props.contentLength ?? 0) > MAX_FILE_BYTES) throw new CampaignSourceError(`${name}: is larger than ${MAX_FILE_BYTES} bytes`);
    return (await blob.downloadToBuffer()).toString('utf8');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

function readLocal(folder: string, name: string): string | undefined {
  const file = path.join(folder, name);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (size > MAX_FILE_BYTES) throw new CampaignSourceError(`${file}: is larger than ${MAX_FILE_BYTES} bytes`);
  return fs.readFileSync(file, 'utf8');
}

export async function readCampaignSource(source: CampaignSource): Promise<CampaignFileTexts> {
  return readSourceFiles<CampaignFileKind>(source, FILE_NAMES);
}

/** The files of the given names that the source has, by kind; at least one must be there. */
export async function readSourceFiles<K extends string>(source: CampaignSource, names: Record<K, string>): Promise<Partial<Record<K, string>>> {
  if ('folder' in source && !fs.existsSync(source.folder)) throw new CampaignSourceError(`folder ${source.folder} does not exist`);
  const texts: Partial<Record<K, string>> = {};
  for (const kind of Object.keys(names) as K[]) {
    const name = names[kind];
    const text = 'folder' in source ? readLocal(source.folder, name) : await readBlob(source.container, joinPrefix(source.prefix, name));
    if (text !== undefined) texts[kind] = text;
  }
  if (Object.keys(texts).length === 0) throw new CampaignSourceError(`${describeSource(source)} has none of ${Object.values(names).join(', ')}`);
  return texts;
}

function joinPrefix(prefix: string, name: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p === '' ? name : `${p}/${name}`;
}
