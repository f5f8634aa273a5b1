package dev.tollgate.api;

import dev.tollgate.http.ApiException;
import dev.tollgate.routing.Deployment;
import java.util.List;

/** Keeps the candidates whose provider has an optional capability (embeddings, images). */
final class Capabilities {
    private Capabilities() {}

    /**
     * The candidates whose provider implements {@code capability}, in order.
     *
     * @throws ApiException 400 naming the model and the endpoint when none does
     */
    static List<Deployment> require(String model, List<Deployment> candidates, Class<?> capability, String endpoint) {
        List<Deployment> capable = candidates.stream().filter(d -> capability.isInstance(d.provider())).toList();
        if (capable.isEmpty()) {
            String providers = String.join(", ", candidates.stream().map(d -> "'" + d.providerName() + "'").distinct().toList());
            throw ApiException.invalid("model", "Model '" + model + "' does not support " + endpoint
                    + ": provider " + providers + " cannot serve it");
        }
        return capable;
    }
}
