/** The Cosmos DB emulator's published account key (public, not a secret). */
export const EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export function cosmosConnectionString(endpoint: string, key = EMULATOR_KEY): string {
  return `AccountEndpoint=${endpoint};AccountKey=${key};`;
}
