package io.byzflink.serde.config;

import java.util.Collection;
import java.util.Comparator;

/**
 * The "(did you mean 'train.lr'?)" hint of a config error: the known key closest to a mistyped
 * one by edit distance, when it is close enough to be the likely intent. Shared by the job's and
 * the client's config loaders.
 */
public final class DidYouMean {

    private DidYouMean() {}

    /** {@code " (did you mean 'K'?)"} for the nearest known key K within a third of the key's length (at least 2 edits), else "". */
    public static String suggestion(String key, Collection<String> known) {
        return known.stream()
                .min(Comparator.comparingInt(k -> editDistance(k, key)))
                .filter(k -> editDistance(k, key) <= Math.max(2, key.length() / 3))
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
