// The Personalizer API key: Ocp-Apim-Subscription-Key, checked by the handlers (constant time).
export { ApiKeyCheck } from '../common/apiKeyCheck';

export const API_KEY_HEADER = 'ocp-apim-subscription-key';
