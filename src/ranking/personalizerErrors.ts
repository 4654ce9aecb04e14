// Errors in Azure AI Personalizer's shape, so its clients and SDKs read them as they read the real
// service's: {"error": {"code", "message", "target"?, "innerError"?: {"code"}}}. The 401 has the
// shape Cognitive Services' gateway answers a missing or wrong Ocp-Apim-Subscription-Key with.
import type { HttpResponseInit } from '@azure/functions';

export type PersonalizerErrorCode = 'BadRequest' | 'ResourceNotFound' | 'InternalServerError' | 'ServiceUnavailable' | 'OperationNotAllowed';

/** Finer codes, as Personalizer puts them in innerError.code. */
export type PersonalizerInnerCode =
  | 'InvalidRankRequest'
  | 'InvalidRewardRequest'
  | 'InvalidEventIdToActivate'
  | 'InvalidRequest'
  | 'PayloadSizeExceeded'
  | 'RankNullResponse'
  | 'InvalidServiceConfiguration'
  | 'InvalidLearningModeServiceConfiguration'
  | 'InvalidRewardWaitTime'
  | 'InvalidLogRetentionDays'
  | 'InvalidModelRetrainDays'
  | 'InvalidPolicyContract'
  | 'InvalidPolicyConfiguration'
  | 'InvalidModelImportSignature'
  | 'InvalidModelImportFormat'
  | 'InvalidApiAccess'
  | 'ResourceNotFound'
  | 'ModelResetFailed'
  | 'OperationNotAllowed'
  | 'InvalidContract'
  | 'FeatureImportanceAlreadyExists'
  | 'FeatureImportanceNotFound';

export interface PersonalizerErrorBody {
  error: {
    code: string;
    message: string;
    target?: string;
    innerError?: { code: string };
  };
}

const NO_STORE = { 'cache-control': 'no-store' };

export function personalizerError(
  status: number,
  code: PersonalizerErrorCode,
  message: string,
  inner?: PersonalizerInnerCode,
  target?: string,
): HttpResponseInit {
  const body: PersonalizerErrorBody = {
    error: { code, message, ...(target !== undefined ? { target } : {}), ...(inner ? { innerError: { code: inner } } : {}) },
  };
  return { status, jsonBody: body, headers: NO_STORE };
}

/** 400 naming the offending field in `target` and at the start of the message. */
export function badRequest(field: string, message: string, inner: PersonalizerInnerCode): HttpResponseInit {
  return personalizerError(400, 'BadRequest', `${field}: ${message}`, inner, field);
}

export function unauthorized(): HttpResponseInit {
  return {
    status: 401,
    jsonBody: {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    },
    headers: { ...NO_STORE, 'www-authenticate': 'Ocp-Apim-Subscription-Key' },
  };
}

export function serviceUnavailable(message: string): HttpResponseInit {
  return { ...personalizerError(503, 'ServiceUnavailable', message), headers: { ...NO_STORE, 'retry-after': '5' } };
}
