package dev.coffer.server.liberty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.support.SseStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/watch} inside Open Liberty (its restfulWS SSE, not Jersey's): the ready event, a
 * change as metadata without the value, heartbeats at the interval {@code coffer.watch.heartbeat}
 * sets (1 s in the IT server.xml), resumption from {@code Last-Event-ID}, the caller's visibility,
 * and refusals as problems before the stream opens.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LibertyWatchIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        File war = new File(System.getProperty("coffer.war"));
        return ShrinkWrap.create(ZipImporter.class, "coffer.war").importFrom(war).as(WebArchive.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aVersionAddedArrivesAsMetadataWithoutItsValueAndHeartbeatsFollow() throws Exception {
        String path = "liberty/watch-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createSecret(path);
        String value = "liberty-watch-" + UUID.randomUUID();
        try (SseStream watch = SseStream.open(base.toURI(), "environment=prod&prefix=" + path, LibertyCalls.adminToken(), null)) {
            assertEquals(200, watch.status, watch.body());
            assertTrue(watch.header("Content-Type").startsWith("text/event-stream"), watch.header("Content-Type"));
            SseStream.Event ready = watch.nextChange(WAIT);
            assertEquals("ready", ready.name(), ready.toString());
            assertFalse(json(ready.data()).getBoolean("resumed"));
            assertEquals(ready.id(), String.valueOf(json(ready.data()).getJsonNumber("cursor").longValue()));

            addVersion(id, value);
            SseStream.Event added = watch.nextChange(WAIT);
            assertEquals("version-added", added.name(), added.toString());
            JsonObject change = json(added.data());
            assertEquals(path, change.getString("path"));
            assertEquals("prod", change.getString("environment"));
            assertEquals(1, change.getInt("version"));
            assertEquals(added.id(), String.valueOf(change.getJsonNumber("seq").longValue()), "the SSE id is the event's seq");
            assertTrue(Long.parseLong(added.id()) > Long.parseLong(ready.id()));
            // A first version becomes current: the alias move follows.
            SseStream.Event moved = watch.nextChange(WAIT);
            assertEquals("alias-moved", moved.name(), moved.toString());
            assertEquals("current", json(moved.data()).getString("alias"));
            assertEquals(1, json(moved.data()).getInt("version"));

            // With nothing to say, the stream sends heartbeats (1 s here: the IT server's coffer.watch.heartbeat).
            SseStream.Event beat = watch.next(WAIT);
            assertTrue(beat.heartbeat(), beat.toString());
            assertFalse(watch.text().contains(value), "a value on the stream: " + watch.text());
        }
    }

    @Test
    void aReconnectWithLastEventIdReplaysWhatWasMissed() throws Exception {
        String path = "liberty/resume-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createSecret(path);
        String query = "environment=prod&prefix=" + path;
        String cursor;
        try (SseStream watch = SseStream.open(base.toURI(), query, LibertyCalls.adminToken(), null)) {
            assertEquals(200, watch.status, watch.body());
            cursor = watch.nextChange(WAIT).id();
        }
        addVersion(id, "missed-1");
        addVersion(id, "missed-2");
        try (SseStream watch = SseStream.open(base.toURI(), query, LibertyCalls.adminToken(), cursor)) {
            assertEquals(200, watch.status, watch.body());
            SseStream.Event ready = watch.nextChange(WAIT);
            assertEquals("ready", ready.name(), ready.toString());
            assertTrue(json(ready.data()).getBoolean("resumed"), ready.toString());
            // Each version added, and each move of current to it, in the order they were made.
            List<String> replayed = new ArrayList<>();
            while (replayed.size() < 4) {
                SseStream.Event e = watch.nextChange(WAIT);
                assertTrue(Long.parseLong(e.id()) > Long.parseLong(cursor), "replayed after " + cursor + ": " + e);
                replayed.add(e.name() + " " + json(e.data()).getInt("version"));
            }
            assertEquals(List.of("version-added 1", "alias-moved 1", "version-added 2", "alias-moved 2"), replayed);
            assertFalse(watch.text().contains("missed-"), watch.text());
        }
    }

    @Test
    void aWatcherWithoutAccessSeesNothingOfThePath() throws Exception {
        String path = "liberty/hidden-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createSecret(path);
        String mallory = LibertyCalls.MINTER.mint(TokenRequest.subject("mallory").groups(List.of("not-an-admin")));
        try (SseStream admin = SseStream.open(base.toURI(), "environment=prod&prefix=" + path, LibertyCalls.adminToken(), null);
                SseStream denied = SseStream.open(base.toURI(), "environment=prod&prefix=" + path, mallory, null)) {
            assertEquals(200, admin.status, admin.body());
            assertEquals(200, denied.status, "watching is authorized per event, like list: " + denied.body());
            assertEquals("ready", admin.nextChange(WAIT).name());
            assertEquals("ready", denied.nextChange(WAIT).name());
            addVersion(id, "not-for-mallory");
            assertEquals("version-added", admin.nextChange(WAIT).name());
            assertEquals("alias-moved", admin.nextChange(WAIT).name());
            // The change has been sent to every stream by now; mallory's carries heartbeats only.
            for (int beats = 0; beats < 2; beats++) {
                SseStream.Event e = denied.next(WAIT);
                assertTrue(e.heartbeat(), "mallory saw " + e);
            }
            assertFalse(denied.text().contains(path), denied.text());
        }
    }

    @Test
    void refusalsAreProblemsBeforeTheStreamOpens() throws Exception {
        try (SseStream none = SseStream.open(base.toURI(), "environment=prod", null, null)) {
            assertEquals(401, none.status, none.body());
            assertEquals("UNAUTHENTICATED", Json.createReader(new StringReader(none.body())).readObject().getString("code"));
        }
        try (SseStream bad = SseStream.open(base.toURI(), "environment=prod", LibertyCalls.adminToken(), "not-a-seq")) {
            assertEquals(400, bad.status, bad.body());
            JsonObject problem = Json.createReader(new StringReader(bad.body())).readObject();
            assertEquals("INVALID_ARGUMENT", problem.getString("code"));
            assertFalse(bad.body().contains("not-a-seq"), "the header is not echoed: " + bad.body());
        }
        try (SseStream scope = SseStream.open(base.toURI(), "environment=not%20an%20environment", LibertyCalls.adminToken(), null)) {
            assertEquals(400, scope.status, scope.body());
        }
    }

    private String createSecret(String path) throws Exception {
        HttpResponse<String> created = LibertyCalls.send(base, "POST", "v1/secrets", LibertyCalls.adminToken(),
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}");
        assertEquals(201, created.statusCode(), created.body());
        return LibertyCalls.json(created).getString("id");
    }

    private void addVersion(String id, String value) throws Exception {
        HttpResponse<String> added = LibertyCalls.send(base, "POST", "v1/secrets/" + id + "/versions", LibertyCalls.adminToken(),
                "{\"value\":\"" + value + "\"}");
        assertEquals(201, added.statusCode(), added.body());
    }

    private static JsonObject json(String data) {
        return Json.createReader(new StringReader(data)).readObject();
    }
}
