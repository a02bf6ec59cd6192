package dev.coffer.server.api.dto;

import java.util.List;

/**
 * A list response.
 *
 * @param items this page's items
 * @param nextPageToken pass as {@code pageToken} for the next page; absent on the last page
 * @param <T> item type
 */
public record PageBody<T>(List<T> items, String nextPageToken) {
    /** A single, complete page. */
    public static <T> PageBody<T> of(List<T> items) {
        return new PageBody<>(items, null);
    }
}
