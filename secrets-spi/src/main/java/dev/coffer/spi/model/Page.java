package dev.coffer.spi.model;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param items the items of this page
 * @param nextPageToken opaque token for the next page; {@code null} on the last page
 * @param <T> item type
 */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
    }

    /** The token for the next page, absent on the last page. */
    public Optional<String> next() {
        return Optional.ofNullable(nextPageToken);
    }
}
