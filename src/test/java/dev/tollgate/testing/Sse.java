package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Splits an SSE body into its data payloads, asserting the framing on the way. */
public final class Sse {
    private Sse() {}

    public static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        assertThat(sse).as("SSE events are separated by blank lines").endsWith("\n\n");
        for (String block : sse.split("\n\n")) {
            assertThat(block).startsWith("data: ");
            out.add(block.substring("data: ".length()));
        }
        return out;
    }
}
