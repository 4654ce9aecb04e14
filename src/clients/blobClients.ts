import { BlobServiceClient } from '@azure/storage-blob';
import { BlobConnectionSetting, SettingsError } from '../config/settings';
import { azureCredential } from './credential';

export function createBlobServiceClient(connection: BlobConnectionSetting, settingName: string): BlobServiceClient {
  if (connection.connectionString) {
    return BlobServiceClient.fromConnectionString(connection.connectionString);
  }
  if (connection.serviceUri) {
    return new BlobServiceClient(connection.serviceUri, azureCredential(connection.clientId));
  }
  throw new SettingsError(`Set ${settingName}__blobServiceUri (Azure) or ${settingName} (local Azurite)`);
}
