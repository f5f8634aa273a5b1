package dev.tollgate.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sticky routing for warm provider prompt caches (docs/routing.md "Sticky routing"): among the
 * candidates that are otherwise equal (the same upstream model at the same prices), requests with the same stickiness key prefer the same
 * deployment, chosen by rendezvous (highest-random-weight) hashing of (key, deployment). Deterministic
 * and stateless, so every replica agrees; when a deployment leaves the candidate list only the keys
 * that preferred it move. Only the positions those deployments already hold are permuted, and the
 * explicit orderings run after this as stable sorts, so they win; this decides only among equals.
 */
final class Sticky {
    private Sticky() {}

    /**
     * {@code candidates} with each group of equals ({@code sameness} gives equal values) reordered by
     * rendezvous weight for {@code key}; as is when key is null.
     */
    static List<Deployment> order(List<Deployment> candidates, String key, Function<Deployment, String> sameness) {
        if (key == null || candidates.size() < 2) return candidates;
        Map<String, List<Integer>> slots = new LinkedHashMap<>(); // group → positions its deployments hold
        for (int i = 0; i < candidates.size(); i++) {
            slots.computeIfAbsent(sameness.apply(candidates.get(i)), k -> new ArrayList<>()).add(i);
        }
        if (slots.size() == candidates.size()) return candidates; // no two are equal
        Deployment[] out = candidates.toArray(new Deployment[0]);
        for (List<Integer> positions : slots.values()) {
            if (positions.size() < 2) continue;
            List<Deployment> group = new ArrayList<>();
            for (int i : positions) group.add(candidates.get(i));
            group.sort(Comparator.comparingLong((Deployment d) -> weight(key, d)).reversed());
            for (int j = 0; j < positions.size(); j++) out[positions.get(j)] = group.get(j);
        }
        return List.of(out);
    }

    /** A 64-bit FNV-1a hash of key and deployment, finished with a mixer so close inputs spread. */
    static long weight(String key, Deployment d) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + '\u0000' + d.publicName() + '@' + d.providerName()).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33; // murmur3's fmix64
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
