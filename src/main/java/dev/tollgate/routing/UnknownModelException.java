package dev.tollgate.routing;

/** The request named a model that is neither a configured model nor an alias. */
public final class UnknownModelException extends RuntimeException {
    private final String model;

    public UnknownModelException(String model) {
        super("The model '" + model + "' does not exist or is not served by this gateway (see GET /v1/models)", null, false, false);
        this.model = model;
    }

    public String model() { return model; }
}
