// The script-tag build (dist/personalization.min.js): `window.Personalization.create({...})`.
import { createPersonalization, Personalization, RequestError } from './personalization';

export const create = createPersonalization;
export { Personalization, RequestError };
