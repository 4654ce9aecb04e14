import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handlePersonalizer } from '../src/ranking/http/personalizerApi';
import { recordDecisionSpan, withDecisionSpan } from '../src/common/traceContext';

/** `events/{eventId}/reward|activate` of either API version: the call joins the decision's trace. */
const EVENT_CALL = /(?:^|\/)events\/([^/]+)\/(reward|activate)$/;

// The whole Personalizer-compatible API: /personalizer/v1.0/... and /personalizer/...?api-version=2022-09-01-preview.
// Anonymous at the host: like Personalizer, the API checks Ocp-Apim-Subscription-Key itself.
// A rank answer's eventId gets its own trace, which the rewards and activations of that eventId
// join (src/common/traceContext.ts, docs/observability.md).
app.http('personalizerApi', {
  route: 'personalizer/{*path}',
  methods: ['GET', 'PUT', 'POST', 'DELETE'],
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const path = request.params.path ?? '';
    const call = () =>
      withRankingServices(
        () => appServices().ranking(),
        (services) =>
          handlePersonalizer(
            request,
            path,
            services.personalizerApiDeps(
              (m) => context.warn(m),
              async (id) => void (await appServices().evaluationJobs().start(id)),
            ),
          ),
        (m) => context.error(m),
      );
    const eventCall = EVENT_CALL.exec(path);
    const eventId = eventCall ? decodedOrUndefined(eventCall[1]) : undefined;
    // A malformed escape in the id gets no span; the dispatcher answers it as it answers any bad id.
    if (eventCall && eventId !== undefined) return withDecisionSpan(eventCall[2], eventId, call);
    const response = await call();
    const rankedId = (response.jsonBody as { eventId?: unknown } | undefined)?.eventId;
    if (response.status === 201 && typeof rankedId === 'string') recordDecisionSpan(rankedId, { 'personalization.path': path });
    return response;
  },
});

function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
