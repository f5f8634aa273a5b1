package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.Reservation;
import dev.tollgate.cache.ResponseCache;
import dev.tollgate.http.ApiException;
import dev.tollgate.provider.StreamChunk;
import dev.tollgate.routing.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A responder that also keeps the answer for the response cache: a complete answer, or every chunk of a stream that
 * finished. A stream that failed (cut, stopped) is never stored; neither is one larger than {@code max_entry_bytes},
 * nor an answer that failed its structured-output schema ({@code x-tollgate-schema: invalid}).
 * The answer is stored before its last byte is written, so a client that asks again at once finds it.
 */
final class RecordingResponder extends ForwardingResponder {
    private final ResponseCache cache;
    private final String key;
    private final long ttlS;
    private final List<String> chunks = new ArrayList<>();
    private long chunkBytes;
    private boolean tooLarge;
    private Deployment answeredBy;
    private boolean invalid;

    RecordingResponder(ChatResponder out, ResponseCache cache, String key, long ttlS) {
        super(out);
        this.cache = cache;
        this.key = key;
        this.ttlS = ttlS;
    }

    @Override
    public void schemaVerdict(String verdict) {
        invalid = SchemaRepair.INVALID.equals(verdict); // an answer that fails its schema is not worth replaying
        out.schemaVerdict(verdict);
    }

    @Override
    public void answer(ObjectNode completion, Deployment d, Reservation.Charged charged) {
        if (charged != null && !invalid) {
            cache.store(key, ttlS, d.providerName(), d.publicName(), charged.costMicros(), charged.usage(),
                    completion.deepCopy(), null, null);
        }
        out.answer(completion, d, charged);
    }

    @Override
    public void chunk(StreamChunk chunk, Deployment d) {
        answeredBy = d;
        if (!tooLarge) {
            chunkBytes += chunk.json().length;
            tooLarge = chunkBytes > cache.maxEntryBytes();
            if (tooLarge) chunks.clear();
            else chunks.add(new String(chunk.json(), StandardCharsets.UTF_8));
        }
        out.chunk(chunk, d);
    }

    @Override
    public void streamDone(StreamChunk usageChunk, Reservation.Charged charged) {
        if (charged != null && answeredBy != null && !tooLarge) {
            cache.store(key, ttlS, answeredBy.providerName(), answeredBy.publicName(), charged.costMicros(),
                    charged.usage(), null, List.copyOf(chunks),
                    usageChunk == null ? null : new String(usageChunk.json(), StandardCharsets.UTF_8));
        }
        out.streamDone(usageChunk, charged);
    }

    @Override
    public void streamFailed(ApiException error) {
        chunks.clear(); // a cut or stopped stream is never stored
        out.streamFailed(error);
    }
}
