package dev.tollgate.api.conversations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.ChatResponder;
import dev.tollgate.api.ForwardingResponder;
import dev.tollgate.api.items.OutputItems;
import dev.tollgate.billing.Reservation;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A responder that also hands the answer's output items (choice 0) to its conversation: a complete answer, or a
 * stream that finished. A stream that failed (cut, stopped) adds nothing. The items are handed over before the
 * answer's last byte is written, so a client that reads the conversation at once finds them.
 */
final class ConversationResponder extends ForwardingResponder {
    private final Consumer<List<ObjectNode>> answered;
    private final StreamedChoice streamed = new StreamedChoice();

    ConversationResponder(ChatResponder out, Consumer<List<ObjectNode>> answered) {
        super(out);
        this.answered = answered;
    }

    @Override
    public void answer(ObjectNode completion, Deployment d, Reservation.Charged charged) {
        if (charged != null) answered.accept(items(OutputItems.output(completion.path("choices").path(0))));
        out.answer(completion, d, charged);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment d) {
        streamed.accept(chunk.json());
        out.chunk(chunk, d);
    }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) {
        if (charged != null) answered.accept(items(OutputItems.output(streamed.choice())));
        out.streamDone(usageChunk, charged);
    }

    private static List<ObjectNode> items(com.fasterxml.jackson.databind.node.ArrayNode output) {
        List<ObjectNode> items = new ArrayList<>(output.size());
        output.forEach(i -> items.add((ObjectNode) i));
        return items;
    }
}
