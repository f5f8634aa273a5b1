package dev.tollgate.limits;

import dev.tollgate.account.Principal;
import dev.tollgate.config.Limits;
import java.util.Set;

/**
 * The plan step of the guard: every model the request names must be allowed by the key and by the plan
 * (403 model_not_allowed), its prompt must fit the plan's max_context (400), and a plan without the images
 * feature cannot generate images (403). Checks only; nothing is reserved.
 */
final class PlanRules {
    private PlanRules() {}

    static void check(Principal principal, Limits.Plan plan, Demand demand) {
        Set<String> keyModels = principal.keyModels();
        for (String model : demand.models()) {
            if (keyModels != null && !keyModels.contains(model)) {
                throw new LimitExceededException(LimitExceededException.Reason.MODEL_NOT_ALLOWED, "model",
                        "Model '" + model + "' is not allowed for this API key (allowed: " + String.join(", ", keyModels) + ")", null);
            }
            if (plan != null && !plan.allows(model)) {
                throw new LimitExceededException(LimitExceededException.Reason.MODEL_NOT_ALLOWED, "model",
                        "Model '" + model + "' is not included in plan '" + plan.name() + "' (allowed: "
                                + String.join(", ", plan.models()) + ")", null);
            }
        }
        if (plan == null) return;
        if (demand.kind() == Demand.Kind.IMAGES && !plan.features().images()) {
            throw new LimitExceededException(LimitExceededException.Reason.FEATURE_NOT_ALLOWED, null,
                    "Image generation is not included in plan '" + plan.name() + "'", null);
        }
        Integer maxContext = plan.maxContext();
        // the cheap bound first; only a bound over the limit pays for an exact count, so a fitting prompt is never refused
        if (maxContext != null && demand.promptTokens() > maxContext) {
            long exact = demand.exactPrompt().getAsLong();
            if (exact > maxContext) {
                throw new LimitExceededException(LimitExceededException.Reason.CONTEXT_TOO_LONG, "messages",
                        "The prompt has about " + exact + " tokens; plan '" + plan.name() + "' allows at most "
                                + maxContext + " (max_context)", null);
            }
        }
    }
}
