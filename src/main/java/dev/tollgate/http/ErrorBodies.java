package dev.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;

/** Error JSON in the OpenAI shape: {"error":{"message","type","code","param"}}. */
public final class ErrorBodies {
    private ErrorBodies() {}

    public static ObjectNode openAi(ApiException e) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        error.put("code", e.code());
        if (e.param() == null) error.putNull("param");
        else error.put("param", e.param());
        return root;
    }
}
