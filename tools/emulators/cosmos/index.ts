export { startCosmos, EMULATOR_KEY, cosmosConnectionString, type CosmosEmulator, type CosmosEmulatorOptions } from './server';
