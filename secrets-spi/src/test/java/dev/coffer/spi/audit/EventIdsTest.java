package dev.coffer.spi.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void theAlphabetIsInCodePointOrder() {
        assertEquals(64, EventIds.ALPHABET.length());
        assertEquals(64, EventIds.ALPHABET.chars().distinct().count());
        for (int i = 1; i < EventIds.ALPHABET.length(); i++) {
            assertTrue(EventIds.ALPHABET.charAt(i - 1) < EventIds.ALPHABET.charAt(i), "at " + i);
        }
    }

    @Test
    void idsMadeLaterSortAfterAsStrings() {
        long start = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (long ms : new long[] {0, 1, 63, 64, 4095, 4096, start, start + 1, start + 1000, (1L << 48) - 1}) {
            ids.add(EventIds.at(ms));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " before " + ids.get(i));
        }
        assertEquals("--------", EventIds.at(0).substring(0, 8), "time 0 is the first symbol eight times");
        assertEquals("zzzzzzzz", EventIds.at((1L << 48) - 1).substring(0, 8));
    }

    @Test
    void idsAreValidDistinctAndCarryRandomBitsAfterTheTime() {
        long now = System.currentTimeMillis();
        Set<String> seen = new HashSet<>();
        Set<String> tails = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = EventIds.at(now);
            assertEquals(EventIds.LENGTH, id.length());
            assertTrue(id.chars().allMatch(c -> EventIds.ALPHABET.indexOf(c) >= 0), id);
            assertTrue(seen.add(id), "a repeated id: " + id);
            tails.add(id.substring(8));
        }
        assertEquals(1, seen.stream().map(id -> id.substring(0, 8)).distinct().count(), "one millisecond, one prefix");
        assertEquals(20_000, tails.size());
        // Every random position takes many symbols: no position is stuck (a shift off by some bits would leave one).
        for (int position = 8; position < EventIds.LENGTH; position++) {
            int at = position;
            long symbols = seen.stream().mapToInt(id -> id.charAt(at)).distinct().count();
            assertEquals(64, symbols, "symbols at position " + position);
        }
    }

    @Test
    void newIdIsAValidDraftIdOfTheCurrentTime() {
        String before = EventIds.at(System.currentTimeMillis()).substring(0, 8);
        String id = AuditEvent.newId();
        String after = EventIds.at(System.currentTimeMillis()).substring(0, 8);
        assertTrue(before.compareTo(id.substring(0, 8)) <= 0 && id.substring(0, 8).compareTo(after) <= 0, id);
        AuditEvent draft = AuditEvent.builder(AuditEventType.SECRET_READ, "t", "user:a", "r", Decision.ALLOW, Instant.now()).build();
        assertEquals(EventIds.LENGTH, draft.id().length());
    }

    @Test
    void timesOutsideFortyEightBitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EventIds.at(-1));
        assertThrows(IllegalArgumentException.class, () -> EventIds.at(1L << 48));
    }
}
